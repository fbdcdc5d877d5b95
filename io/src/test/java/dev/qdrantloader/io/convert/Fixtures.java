package dev.qdrantloader.io.convert;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.poifs.crypt.EncryptionInfo;
import org.apache.poi.poifs.crypt.EncryptionMode;
import org.apache.poi.poifs.crypt.Encryptor;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * Documents generated for the converter tests: real files made by PDFBox, POI and java.util.zip.
 */
final class Fixtures {
  private Fixtures() {}

  // ---- PDF ----

  /** A one-page PDF with {@code lines} of text and a document title. */
  static byte[] pdf(String title, String... lines) {
    try (PDDocument doc = textDocument(title, lines)) {
      return save(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A PDF that needs a user password to open. */
  static byte[] encryptedPdf(String userPassword, String... lines) {
    return protectedPdf("owner-secret", userPassword, lines);
  }

  /** A PDF with an owner password only: anyone may open it, so its text is readable. */
  static byte[] ownerPasswordOnlyPdf(String... lines) {
    return protectedPdf("owner-secret", "", lines);
  }

  private static byte[] protectedPdf(String ownerPassword, String userPassword, String... lines) {
    try (PDDocument doc = textDocument("Protected", lines)) {
      StandardProtectionPolicy policy =
          new StandardProtectionPolicy(ownerPassword, userPassword, new AccessPermission());
      policy.setEncryptionKeyLength(128);
      doc.protect(policy);
      return save(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A PDF whose only page is a picture, as a scanner makes: no text layer. */
  static byte[] imageOnlyPdf() {
    try (PDDocument doc = new PDDocument()) {
      PDPage page = new PDPage(PDRectangle.A4);
      doc.addPage(page);
      BufferedImage image = new BufferedImage(300, 120, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, 300, 120);
      g.setColor(Color.BLACK);
      g.fillRect(20, 40, 260, 8);
      g.fillRect(20, 70, 180, 8);
      g.dispose();
      PDImageXObject picture = LosslessFactory.createFromImage(doc, image);
      try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
        content.drawImage(picture, 72, 600);
      }
      return save(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PDDocument textDocument(String title, String... lines) throws IOException {
    PDDocument doc = new PDDocument();
    PDPage page = new PDPage(PDRectangle.A4);
    doc.addPage(page);
    try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
      content.beginText();
      content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
      content.setLeading(16);
      content.newLineAtOffset(72, 760);
      for (String line : lines) {
        content.showText(line);
        content.newLine();
      }
      content.endText();
    }
    doc.getDocumentInformation().setTitle(title);
    return doc;
  }

  private static byte[] save(PDDocument doc) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    doc.save(out);
    return out.toByteArray();
  }

  // ---- Office (POI) ----

  /** A DOCX with one paragraph per string and a title in its core properties. */
  static byte[] docx(String title, String... paragraphs) {
    return docx(title, List.of(paragraphs));
  }

  static byte[] docx(String title, List<String> paragraphs) {
    try (XWPFDocument doc = new XWPFDocument()) {
      for (String paragraph : paragraphs) {
        doc.createParagraph().createRun().setText(paragraph);
      }
      if (title != null) {
        doc.getProperties().getCoreProperties().setTitle(title);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code docx} encrypted with agile (AES) encryption, as Word's "Encrypt with Password". */
  static byte[] encryptedDocx(byte[] docx, String password) {
    try (POIFSFileSystem fs = new POIFSFileSystem()) {
      EncryptionInfo info = new EncryptionInfo(EncryptionMode.agile);
      Encryptor encryptor = info.getEncryptor();
      encryptor.confirmPassword(password);
      try (OPCPackage opc = OPCPackage.open(new ByteArrayInputStream(docx));
          OutputStream os = encryptor.getDataStream(fs)) {
        opc.save(os);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      fs.writeFilesystem(out);
      return out.toByteArray();
    } catch (IOException | GeneralSecurityException | InvalidFormatException e) {
      throw new IllegalStateException("could not encrypt the DOCX fixture", e);
    }
  }

  /** A PPTX with one slide per string, each in a text box. */
  static byte[] pptx(String... slides) {
    try (XMLSlideShow show = new XMLSlideShow()) {
      for (String text : slides) {
        XSLFTextBox box = show.createSlide().createTextBox();
        box.setAnchor(new Rectangle(50, 50, 500, 100));
        box.setText(text);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      show.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An XLSX with one sheet named {@code sheetName}; each row is an array of cells. */
  static byte[] xlsx(String sheetName, Object[]... rows) {
    try (XSSFWorkbook book = new XSSFWorkbook()) {
      XSSFSheet sheet = book.createSheet(sheetName);
      for (int r = 0; r < rows.length; r++) {
        XSSFRow row = sheet.createRow(r);
        for (int c = 0; c < rows[r].length; c++) {
          Object value = rows[r][c];
          if (value instanceof Number number) {
            row.createCell(c).setCellValue(number.doubleValue());
          } else {
            row.createCell(c).setCellValue(String.valueOf(value));
          }
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      book.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- Zip-based formats written by hand ----

  static final String ODT_MIME = "application/vnd.oasis.opendocument.text";

  /** An OpenDocument text with a heading and paragraphs (the entries LibreOffice needs). */
  static byte[] odt(String title, String heading, String... paragraphs) {
    StringBuilder body = new StringBuilder();
    body.append("<text:h text:outline-level=\"1\">").append(heading).append("</text:h>");
    for (String paragraph : paragraphs) {
      body.append("<text:p>").append(paragraph).append("</text:p>");
    }
    return new ZipBuilder()
        .stored("mimetype", ODT_MIME.getBytes(UTF_8))
        .deflated("META-INF/manifest.xml", ODT_MANIFEST.getBytes(UTF_8))
        .deflated("meta.xml", odtMeta(title).getBytes(UTF_8))
        .deflated("content.xml", (ODT_CONTENT_HEAD + body + ODT_CONTENT_TAIL).getBytes(UTF_8))
        .build();
  }

  /** An EPUB 3 with one chapter. */
  static byte[] epub(String title, String chapterHeading, String chapterText) {
    String chapter =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>"
            + chapterHeading
            + "</title></head><body><h1>"
            + chapterHeading
            + "</h1><p>"
            + chapterText
            + "</p></body></html>";
    String opf =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\""
            + " unique-identifier=\"id\"><metadata"
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:identifier"
            + " id=\"id\">urn:uuid:8d0f0a5e-4b8e-4c5b-9a53-0c9e5f1a2b3c</dc:identifier><dc:title>"
            + title
            + "</dc:title><dc:language>en</dc:language></metadata>"
            + "<manifest><item id=\"c1\" href=\"chapter1.xhtml\""
            + " media-type=\"application/xhtml+xml\"/></manifest>"
            + "<spine><itemref idref=\"c1\"/></spine></package>";
    String container =
        "<?xml version=\"1.0\"?>\n"
            + "<container version=\"1.0\""
            + " xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles>"
            + "<rootfile full-path=\"OEBPS/content.opf\""
            + " media-type=\"application/oebps-package+xml\"/></rootfiles></container>";
    return new ZipBuilder()
        .stored("mimetype", "application/epub+zip".getBytes(UTF_8))
        .deflated("META-INF/container.xml", container.getBytes(UTF_8))
        .deflated("OEBPS/content.opf", opf.getBytes(UTF_8))
        .deflated("OEBPS/chapter1.xhtml", chapter.getBytes(UTF_8))
        .build();
  }

  /** An RTF document: RTF is text, so it is written directly. */
  static byte[] rtf(String... paragraphs) {
    StringBuilder rtf = new StringBuilder("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}");
    rtf.append("\\f0\\fs24 ");
    for (String paragraph : paragraphs) {
      rtf.append(paragraph).append("\\par\n");
    }
    return rtf.append('}').toString().getBytes(UTF_8);
  }

  // ---- Decompression bombs ----

  /** Characters in each bomb's single text run: 200 million, about 200 MB of XML. */
  static final long BOMB_CHARS = 200_000_000L;

  /** A DOCX under 1 MB whose document.xml holds one run of {@code chars} copies of 'A'. */
  static byte[] docxBomb(long chars) {
    String contentTypes =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\""
            + " ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
            + "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    String rels =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
            + "<Relationships"
            + " xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
            + "2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    return new ZipBuilder()
        .deflated("[Content_Types].xml", contentTypes.getBytes(UTF_8))
        .deflated("_rels/.rels", rels.getBytes(UTF_8))
        .repeated(
            "word/document.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document"
                + " xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
                + "<w:body><w:p><w:r><w:t>",
            'A',
            chars,
            "</w:t></w:r></w:p></w:body></w:document>")
        .build();
  }

  /** An ODT under 1 MB whose content.xml holds one paragraph of {@code chars} copies of 'A'. */
  static byte[] odtBomb(long chars) {
    return new ZipBuilder()
        .stored("mimetype", ODT_MIME.getBytes(UTF_8))
        .deflated("META-INF/manifest.xml", ODT_MANIFEST.getBytes(UTF_8))
        .repeated(
            "content.xml",
            ODT_CONTENT_HEAD + "<text:p>",
            'A',
            chars,
            "</text:p>" + ODT_CONTENT_TAIL)
        .build();
  }

  /** A plain zip under 1 MB holding one text file of {@code chars} copies of 'A'. */
  static byte[] zipBomb(long chars) {
    return new ZipBuilder().repeated("notes.txt", "", 'A', chars, "").build();
  }

  private static final String ODT_MANIFEST =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          + "<manifest:manifest"
          + " xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\""
          + " manifest:version=\"1.2\">"
          + "<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\""
          + ODT_MIME
          + "\"/><manifest:file-entry manifest:full-path=\"content.xml\""
          + " manifest:media-type=\"text/xml\"/></manifest:manifest>";

  private static final String ODT_CONTENT_HEAD =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          + "<office:document-content"
          + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
          + " xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""
          + " office:version=\"1.2\"><office:body><office:text>";

  private static final String ODT_CONTENT_TAIL =
      "</office:text></office:body></office:document-content>";

  private static String odtMeta(String title) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<office:document-meta"
        + " xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\""
        + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" office:version=\"1.2\">"
        + "<office:meta><dc:title>"
        + title
        + "</dc:title></office:meta></office:document-meta>";
  }

  /** Writes zip files entry by entry; a repeated entry is streamed, never held in memory. */
  static final class ZipBuilder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ZipOutputStream zip = new ZipOutputStream(bytes);

    ZipBuilder() {
      zip.setLevel(Deflater.BEST_COMPRESSION);
    }

    ZipBuilder stored(String name, byte[] content) {
      ZipEntry entry = new ZipEntry(name);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(content.length);
      entry.setCompressedSize(content.length);
      CRC32 crc = new CRC32();
      crc.update(content);
      entry.setCrc(crc.getValue());
      return write(entry, content);
    }

    ZipBuilder deflated(String name, byte[] content) {
      return write(new ZipEntry(name), content);
    }

    ZipBuilder repeated(String name, String prefix, char c, long count, String suffix) {
      try {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(prefix.getBytes(UTF_8));
        byte[] block = new byte[1 << 20];
        Arrays.fill(block, (byte) c);
        for (long left = count; left > 0; left -= block.length) {
          zip.write(block, 0, (int) Math.min(block.length, left));
        }
        zip.write(suffix.getBytes(UTF_8));
        zip.closeEntry();
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private ZipBuilder write(ZipEntry entry, byte[] content) {
      try {
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
        return this;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    byte[] build() {
      try {
        zip.close();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
