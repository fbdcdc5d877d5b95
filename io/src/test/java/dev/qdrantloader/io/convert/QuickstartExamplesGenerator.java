package dev.qdrantloader.io.convert;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.qdrantloader.transforms.model.DocumentIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFRun;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFStyles;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.STStyleType;

/**
 * Writes the PDF and DOCX of the quickstart corpus ({@code examples/quickstart/docs}) from the text
 * below, so the binary examples can be regenerated and reviewed as source. Run from the {@code io}
 * module with the test classpath; the only argument is the output directory (default {@code
 * ../examples/quickstart/docs}).
 */
public final class QuickstartExamplesGenerator {
  private static final String PDF_TITLE = "Incremental ingestion: what a re-run re-embeds";

  /** Headings start with "# "; every other string is a paragraph. */
  private static final List<String> PDF_TEXT =
      List.of(
          "# Incremental ingestion: what a re-run re-embeds",
          "Embedding is the slow and, with a hosted model, the costly part of loading documents"
              + " into a vector database. This page says what a re-run does today and what is"
              + " planned.",
          "# Stable document ids",
          "Every document gets an id computed from its project, its source type, the source's"
              + " name and its path relative to the source's base. The id is a name-based UUID, so"
              + " the same file has the same id on every run and on every machine. Moving the base"
              + " directory, or running the loader on a different computer, does not change it.",
          "# Point ids",
          "A point id is derived from the document id, the chunk's position and the chunk's hash."
              + " Writing the same chunk twice overwrites the same point, which makes a run that"
              + " was interrupted safe to repeat: it converges on the same collection.",
          "# What a re-run does today",
          "Every run converts, chunks, embeds and writes every selected document again, under a"
              + " new ingestion time stamp. When the run has finished, the points of its sources"
              + " that it did not write are deleted: the chunks left over from the old version of"
              + " a changed document, and the documents that are no longer in the source. A"
              + " document that fails in this run keeps the points it had, so a failure never"
              + " loses data that was already searchable.",
          "# What is planned",
          "Each document's content hash (SHA-256 of its original bytes) is already stored with its"
              + " points. A later version compares it before conversion, so that unchanged"
              + " documents are skipped and only the chunks of changed documents are embedded"
              + " again. The cost of a run will then follow the size of the change, not the size"
              + " of the corpus.");

  private static final String DOCX_TITLE = "When a file is not converted";

  private static final String[][] DOCX_REASONS = {
    {"Reason reported", "What to do"},
    {"empty file", "Nothing to index. Remove the file or exclude it with a path filter."},
    {
      "file is N bytes, over the limit of M bytes",
      "Raise the source's size limit if the file matters, or exclude it."
    },
    {
      "encrypted PDF (password protected)",
      "Save an unprotected copy; the loader never asks for passwords."
    },
    {
      "no extractable text (scanned or image-only PDF?)",
      "The PDF is a picture of text. Run it through OCR first and load the result."
    },
    {
      "corrupt or unreadable PDF: ...",
      "Open the file in a viewer; if it opens, save a new copy and try again."
    },
    {
      "binary content in a text file (NUL bytes / not text)",
      "The file has a text extension but binary content. Rename it or exclude it."
    },
    {
      "possible decompression bomb",
      "The file expands far beyond its size when unpacked. Check where it came from."
    },
    {
      "conversion timed out after Ns",
      "The file is very large or unusual. Split it, or raise the conversion timeout."
    }
  };

  private QuickstartExamplesGenerator() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "../examples/quickstart/docs");
    Files.createDirectories(out);
    writePdf(out.resolve("incremental-ingestion.pdf"));
    writeDocx(out.resolve("conversion-failures.docx"));
    System.out.println("Wrote the quickstart PDF and DOCX to " + out.toAbsolutePath().normalize());
  }

  // ---- PDF ----

  private static final float MARGIN = 72;
  private static final float BODY_SIZE = 11;
  private static final float HEADING_SIZE = 15;

  static void writePdf(Path file) throws IOException {
    PDFont body = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    try (PDDocument doc = new PDDocument()) {
      PdfWriter writer = new PdfWriter(doc);
      for (String block : PDF_TEXT) {
        if (block.startsWith("# ")) {
          writer.paragraph(block.substring(2), bold, HEADING_SIZE);
        } else {
          writer.paragraph(block, body, BODY_SIZE);
        }
      }
      writer.close();
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle(PDF_TITLE);
      info.setAuthor("qdrant-loader examples");
      info.setCreationDate(fixedDate());
      info.setModificationDate(fixedDate());
      // A fixed file identifier (PDFBox otherwise derives one from the clock): same text, same
      // bytes.
      byte[] id =
          DocumentIds.sha256Hex(String.join("\n", PDF_TEXT)).substring(0, 32).getBytes(UTF_8);
      COSArray ids = new COSArray();
      ids.add(new COSString(id));
      ids.add(new COSString(id));
      doc.getDocument().getTrailer().setItem(COSName.ID, ids);
      try (OutputStream stream = Files.newOutputStream(file)) {
        doc.save(stream);
      }
    }
  }

  /** Lays paragraphs out top to bottom, wrapping words and starting pages as needed. */
  private static final class PdfWriter {
    private final PDDocument doc;
    private PDPageContentStream content;
    private float y;

    PdfWriter(PDDocument doc) {
      this.doc = doc;
    }

    void paragraph(String text, PDFont font, float size) throws IOException {
      float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
      float leading = size * 1.4f;
      for (String line : wrap(text, font, size, width)) {
        if (content == null || y - leading < MARGIN) {
          newPage();
        }
        y -= leading;
        content.beginText();
        content.setFont(font, size);
        content.newLineAtOffset(MARGIN, y);
        content.showText(line);
        content.endText();
      }
      y -= leading * 0.6f;
    }

    private void newPage() throws IOException {
      close();
      PDPage page = new PDPage(PDRectangle.A4);
      doc.addPage(page);
      content = new PDPageContentStream(doc, page);
      y = PDRectangle.A4.getHeight() - MARGIN;
    }

    void close() throws IOException {
      if (content != null) {
        content.close();
        content = null;
      }
    }

    private static List<String> wrap(String text, PDFont font, float size, float width)
        throws IOException {
      List<String> lines = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      for (String word : text.split(" ")) {
        String candidate = line.length() == 0 ? word : line + " " + word;
        if (line.length() > 0 && font.getStringWidth(candidate) / 1000 * size > width) {
          lines.add(line.toString());
          line.setLength(0);
          line.append(word);
        } else {
          line.setLength(0);
          line.append(candidate);
        }
      }
      if (line.length() > 0) {
        lines.add(line.toString());
      }
      return lines;
    }
  }

  // ---- DOCX ----

  static void writeDocx(Path file) throws IOException {
    try (XWPFDocument doc = new XWPFDocument()) {
      XWPFStyles styles = doc.createStyles();
      styles.addStyle(headingStyle("Heading1", "heading 1", 0));
      styles.addStyle(headingStyle("Heading2", "heading 2", 1));

      heading(doc, "Heading1", DOCX_TITLE);
      paragraph(
          doc,
          "qdrant-loader converts every file it reads into text before chunking it. Most files"
              + " convert without trouble. When one does not, the run goes on: the file is listed"
              + " in the run summary with the stage where it failed and a reason in plain words,"
              + " and the run's exit status is non-zero so that scheduled jobs notice.");
      heading(doc, "Heading2", "Reasons and remedies");
      paragraph(
          doc,
          "The table lists the reasons the converter gives and what usually fixes them. A"
              + " reason never contains the document's content, so it is safe to paste into a"
              + " ticket.");
      XWPFTable table = doc.createTable(DOCX_REASONS.length, 2);
      for (int r = 0; r < DOCX_REASONS.length; r++) {
        XWPFTableRow row = table.getRow(r);
        for (int c = 0; c < 2; c++) {
          XWPFRun run = row.getCell(c).getParagraphs().get(0).createRun();
          run.setText(DOCX_REASONS[r][c]);
          run.setBold(r == 0);
        }
      }
      heading(doc, "Heading2", "Limits that protect the run");
      paragraph(
          doc,
          "Three limits keep one bad file from stopping the others. Files over the size limit"
              + " are refused before they are parsed. Each conversion has a timeout, after which"
              + " it is abandoned. And the text extracted from one file is capped, because a"
              + " small compressed document can be built to expand into gigabytes; such a file is"
              + " reported as a possible decompression bomb instead of exhausting memory.");
      heading(doc, "Heading2", "Formats");
      paragraph(
          doc,
          "Markdown, plain text, data files and source code are read directly. PDF, Word,"
              + " PowerPoint, Excel, OpenDocument, RTF, EPUB and HTML files are converted with"
              + " Apache Tika. Images are not read: there is no OCR, so a scanned document needs"
              + " a text layer before it can be searched.");

      POIXMLProperties.CoreProperties core = doc.getProperties().getCoreProperties();
      core.setTitle(DOCX_TITLE);
      core.setCreator("qdrant-loader examples");
      core.setCreated(Optional.of(fixedDate().getTime()));
      core.setModified(Optional.of(fixedDate().getTime()));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      doc.write(bytes);
      Files.write(file, withFixedEntryTimes(bytes.toByteArray()));
    }
  }

  private static XWPFStyle headingStyle(String id, String name, int outlineLevel) {
    CTStyle style = CTStyle.Factory.newInstance();
    style.setStyleId(id);
    style.setType(STStyleType.PARAGRAPH);
    style.addNewName().setVal(name);
    style.addNewQFormat();
    style.addNewPPr().addNewOutlineLvl().setVal(BigInteger.valueOf(outlineLevel));
    style.addNewRPr().addNewB();
    return new XWPFStyle(style);
  }

  private static void heading(XWPFDocument doc, String styleId, String text) {
    XWPFParagraph paragraph = doc.createParagraph();
    paragraph.setStyle(styleId);
    XWPFRun run = paragraph.createRun();
    run.setText(text);
    run.setFontSize("Heading1".equals(styleId) ? 18 : 14);
  }

  private static void paragraph(XWPFDocument doc, String text) {
    doc.createParagraph().createRun().setText(text);
  }

  /** The same zip with every entry dated 2026-01-01: POI stamps entries with the clock. */
  private static byte[] withFixedEntryTimes(byte[] zip) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip));
        ZipOutputStream rewritten = new ZipOutputStream(out)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        ZipEntry copy = new ZipEntry(entry.getName());
        copy.setTimeLocal(LocalDateTime.of(2026, 1, 1, 0, 0));
        rewritten.putNextEntry(copy);
        in.transferTo(rewritten);
        rewritten.closeEntry();
      }
    }
    return out.toByteArray();
  }

  private static Calendar fixedDate() {
    Calendar calendar = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    calendar.setTime(new Date(1_767_225_600_000L)); // 2026-01-01T00:00:00Z
    return calendar;
  }
}
