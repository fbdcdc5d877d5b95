package dev.qdrantloader.io.convert;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qdrantloader.transforms.model.Document;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.beam.sdk.util.SerializableUtils;
import org.apache.tika.exception.TikaException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xml.sax.ContentHandler;

class DocumentConverterTest {
  private static final ConversionLimits LIMITS =
      new ConversionLimits(10L * 1024 * 1024, Duration.ofSeconds(60));

  private final DocumentConverter converter = new DocumentConverter(LIMITS);

  // ---- text routes ----

  @Test
  void markdownIsMarkdownTitledByItsFirstHeading() throws Exception {
    ConvertedText out =
        convert("guides/intro.md", "Preface line.\n\n# Getting started\n\nRead this first.\n");

    assertEquals(
        new ConvertedText(
            "Preface line.\n\n# Getting started\n\nRead this first.",
            "text/markdown",
            "Getting started",
            Document.FORMAT_MARKDOWN),
        out);
  }

  @Test
  void markdownTitleIgnoresFencedCodeAndFrontMatter() throws Exception {
    String markdown =
        "---\ntitle: ignored\n---\n```sh\n# not a title\n```\n## Second level\n# Real title #\n";

    assertEquals("Real title", convert("a.markdown", markdown).title());
  }

  @Test
  void markdownWithoutHeadingIsTitledByFileName() throws Exception {
    assertEquals("notes.md", convert("dir/sub/notes.md", "just text\n").title());
  }

  @Test
  void utf8TextIsReadAsIs() throws Exception {
    ConvertedText out = convert("readme.txt", "Grüße, 東京, naïve café — ok\n");

    assertEquals(
        new ConvertedText(
            "Grüße, 東京, naïve café — ok", "text/plain", "readme.txt", Document.FORMAT_TEXT),
        out);
  }

  @Test
  void longUtf8TextIsNotMistakenForAnotherCharset() throws Exception {
    String text = "Grüße aus 東京 — ".repeat(5000).strip();

    assertEquals(text, convert("long.txt", text).text());
  }

  @Test
  void latin1TextFallsBackToTheDetectedCharset() throws Exception {
    String text =
        "Le café de la gare sert une crème brûlée à déguster.\n"
            + "Les élèves préfèrent la façade près du théâtre où l'on joue Molière.\n";

    ConvertedText out = converter.convert("menu.txt", text.getBytes(ISO_8859_1));

    assertEquals(text.strip(), out.text());
  }

  @Test
  void utf16WithByteOrderMarkIsDecoded() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(0xff);
    bytes.write(0xfe);
    bytes.write("Unicode text, UTF-16 little endian.".getBytes(UTF_16LE));

    assertEquals(
        "Unicode text, UTF-16 little endian.",
        converter.convert("wide.txt", bytes.toByteArray()).text());
  }

  @Test
  void codeIsTextTitledByFileNameEvenWithHashComments() throws Exception {
    String code = "# A comment, not a heading\ndef add(a, b):\n    return a + b\n";

    assertEquals(
        new ConvertedText(
            "# A comment, not a heading\ndef add(a, b):\n    return a + b",
            "text/x-python",
            "maths.py",
            Document.FORMAT_TEXT),
        convert("src/maths.py", code));
    assertEquals("text/x-java", convert("A.java", "class A {}").mimeType());
    assertEquals("text/x-typescript", convert("a.ts", "export const a = 1;").mimeType());
  }

  @Test
  void dataFilesAreText() throws Exception {
    assertEquals("application/json", convert("a.json", "{\"a\": 1}").mimeType());
    assertEquals("application/yaml", convert("a.yml", "a: 1").mimeType());
    assertEquals("text/csv", convert("a.csv", "a,b\n1,2").mimeType());
    assertEquals("<a>x</a>", convert("a.xml", "<a>x</a>").text());
  }

  @Test
  void textWithUnknownNameIsPlainText() throws Exception {
    assertEquals(
        new ConvertedText(
            "FROM eclipse-temurin:17\nCOPY app.jar /app.jar",
            "text/plain",
            "Dockerfile",
            Document.FORMAT_TEXT),
        convert("Dockerfile", "FROM eclipse-temurin:17\nCOPY app.jar /app.jar\n"));
  }

  @Test
  void whitespaceIsNormalised() throws Exception {
    String messy = "\n\n  Title  \r\n\r\n\r\n\r\nBody line \t\r\n    indented\n\n\n\nEnd   \n\n";

    assertEquals("  Title\n\nBody line\n    indented\n\nEnd", convert("m.txt", messy).text());
  }

  // ---- Tika routes ----

  @Test
  void htmlBecomesTextTitledByItsTitleElement() throws Exception {
    String html =
        "<!DOCTYPE html><html><head><title>Release notes</title>"
            + "<script>var secret = 1;</script><style>p {color: red}</style></head>"
            + "<body><h1>Version 2</h1><p>Faster ingestion.</p></body></html>";

    ConvertedText out = convert("site/notes.html", html);

    assertEquals("Release notes", out.title());
    assertEquals("text/html", out.mimeType());
    assertEquals(Document.FORMAT_TEXT, out.format());
    assertThat(out.text(), containsString("Version 2"));
    assertThat(out.text(), containsString("Faster ingestion."));
    assertThat(out.text(), not(containsString("secret")));
  }

  @Test
  void pdfTextAndTitleAreExtracted() throws Exception {
    byte[] pdf = Fixtures.pdf("Quarterly report", "Revenue grew by ten percent.", "Costs fell.");

    ConvertedText out = converter.convert("reports/q3.pdf", pdf);

    assertEquals("Quarterly report", out.title());
    assertEquals("application/pdf", out.mimeType());
    assertEquals(Document.FORMAT_TEXT, out.format());
    assertEquals("Revenue grew by ten percent.\nCosts fell.", out.text());
  }

  @Test
  void pdfWithOnlyAnOwnerPasswordIsReadable() throws Exception {
    ConvertedText out =
        converter.convert("open.pdf", Fixtures.ownerPasswordOnlyPdf("Anyone may read this."));

    assertEquals("Anyone may read this.", out.text());
  }

  @Test
  void docxParagraphsAndTitleAreExtracted() throws Exception {
    byte[] docx = Fixtures.docx("Design notes", "First paragraph.", "Second paragraph.");

    ConvertedText out = converter.convert("design.docx", docx);

    assertEquals(
        new ConvertedText(
            "First paragraph.\n\nSecond paragraph.",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Design notes",
            Document.FORMAT_TEXT),
        out);
  }

  @Test
  void pptxSlideTextIsExtracted() throws Exception {
    ConvertedText out =
        converter.convert("deck.pptx", Fixtures.pptx("Roadmap for 2026", "Questions welcome"));

    assertEquals(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        out.mimeType());
    assertThat(out.text(), containsString("Roadmap for 2026"));
    assertThat(out.text(), containsString("Questions welcome"));
    assertEquals("deck.pptx", out.title());
  }

  @Test
  void xlsxCellsAreExtracted() throws Exception {
    byte[] xlsx =
        Fixtures.xlsx("Prices", new Object[] {"Item", "Price"}, new Object[] {"Widget", 12.5});

    ConvertedText out = converter.convert("prices.xlsx", xlsx);

    assertEquals(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.mimeType());
    assertThat(out.text(), containsString("Prices"));
    assertThat(out.text(), containsString("Widget"));
    assertThat(out.text(), containsString("12.5"));
  }

  @Test
  void odtTextAndTitleAreExtracted() throws Exception {
    byte[] odt = Fixtures.odt("Meeting minutes", "Decisions", "We ship on Friday.");

    ConvertedText out = converter.convert("minutes.odt", odt);

    assertEquals("application/vnd.oasis.opendocument.text", out.mimeType());
    assertEquals("Meeting minutes", out.title());
    assertEquals("Decisions\n\nWe ship on Friday.", out.text());
  }

  @Test
  void rtfTextIsExtracted() throws Exception {
    ConvertedText out =
        converter.convert("letter.rtf", Fixtures.rtf("Dear reader,", "Thanks for reading."));

    assertEquals("application/rtf", out.mimeType());
    assertEquals("Dear reader,\n\nThanks for reading.", out.text());
  }

  @Test
  void epubChapterTextAndTitleAreExtracted() throws Exception {
    byte[] epub = Fixtures.epub("A small book", "Chapter one", "It was a quiet morning.");

    ConvertedText out = converter.convert("book.epub", epub);

    assertEquals("application/epub+zip", out.mimeType());
    assertEquals("A small book", out.title());
    assertThat(out.text(), containsString("Chapter one"));
    assertThat(out.text(), containsString("It was a quiet morning."));
  }

  @Test
  void documentWithoutExtensionIsRecognisedByContent() throws Exception {
    ConvertedText out = converter.convert("scan-0001", Fixtures.pdf("t", "Found by magic."));

    assertEquals("application/pdf", out.mimeType());
    assertEquals("Found by magic.", out.text());
  }

  // ---- failures ----

  @Test
  void emptyFileFails() {
    assertEquals("empty file", reason("empty.md", new byte[0]));
    assertEquals("empty file", reason("empty.pdf", new byte[0]));
  }

  @Test
  void blankTextFileFails() {
    assertEquals("no text (the file is blank)", reason("blank.txt", " \n\t\n".getBytes(UTF_8)));
  }

  @Test
  void overSizeFileIsRefusedBeforeParsing() {
    CountingParser parser = new CountingParser();
    DocumentConverter small =
        new DocumentConverter(new ConversionLimits(1000, Duration.ofSeconds(5)), parser);

    ConversionException e =
        assertThrows(ConversionException.class, () -> small.convert("big.pdf", new byte[1001]));

    assertEquals("file is 1001 bytes, over the limit of 1000 bytes", e.reason());
    assertEquals(0, parser.calls.get());
  }

  @Test
  void binaryBytesInTextFileFail() {
    byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'I'};

    assertEquals(TextDecoder.NOT_TEXT, reason("notes.md", binary));
    assertEquals(TextDecoder.NOT_TEXT, reason("notes.txt", binary));
  }

  @Test
  void controlCharacterNoiseInTextFileFails() {
    byte[] noise = new byte[2000];
    new Random(7).nextBytes(noise);
    for (int i = 0; i < noise.length; i++) {
      if (noise[i] == 0) {
        noise[i] = 1; // no NUL: caught by the control-character share instead
      }
    }

    assertEquals(TextDecoder.NOT_TEXT, reason("random.txt", noise));
  }

  @Test
  void unknownBinaryFormatFails() throws IOException {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);

    assertEquals(
        "unsupported binary format (application/octet-stream): no extractable text",
        reason("data.bin", random));
    assertEquals(
        "unsupported binary format (image/png): no extractable text", reason("picture.png", png()));
  }

  @Test
  void documentExtensionOnOtherContentIsReported() throws IOException {
    assertEquals(
        "content does not match the .pdf extension (detected image/png)",
        reason("report.pdf", png()));
  }

  @Test
  void zipNamedDocxIsCorrupt() {
    byte[] zip = new Fixtures.ZipBuilder().deflated("a.txt", "hello".getBytes(UTF_8)).build();

    assertThat(reason("report.docx", zip), startsWith("corrupt or unreadable DOCX document: "));
  }

  @Test
  void truncatedPdfIsCorrupt() {
    byte[] pdf = Fixtures.pdf("t", "Some text that will be cut off.");

    String reason = reason("cut.pdf", Arrays.copyOf(pdf, pdf.length / 3));

    assertThat(reason, startsWith("corrupt or unreadable PDF: "));
  }

  @Test
  void garbageNamedPdfIsCorrupt() {
    byte[] garbage = "%PDF-1.7\nthis is not really a PDF at all\n".getBytes(UTF_8);

    assertThat(reason("fake.pdf", garbage), startsWith("corrupt or unreadable PDF: "));
  }

  @Test
  void truncatedDocxIsCorrupt() {
    byte[] docx = Fixtures.docx("t", "Some paragraph long enough to matter.");

    assertThat(
        reason("cut.docx", Arrays.copyOf(docx, docx.length / 2)),
        startsWith("corrupt or unreadable DOCX document: "));
  }

  @Test
  void encryptedPdfIsReported() {
    assertEquals(
        "encrypted PDF (password protected)",
        reason("secret.pdf", Fixtures.encryptedPdf("user-secret", "Hidden text.")));
  }

  @Test
  void encryptedDocxIsReported() {
    byte[] docx = Fixtures.encryptedDocx(Fixtures.docx("t", "Hidden text."), "secret");

    assertEquals("encrypted DOCX document (password protected)", reason("secret.docx", docx));
  }

  @Test
  void imageOnlyPdfHasNoExtractableText() {
    assertEquals(
        "no extractable text (scanned or image-only PDF?)",
        reason("scan.pdf", Fixtures.imageOnlyPdf()));
  }

  @Test
  void docxWithNoTextFails() {
    assertEquals("no extractable text", reason("blank.docx", Fixtures.docx(null, "")));
  }

  // ---- decompression bombs: each fails alone, with its reason (BombsInSmallHeapTest: memory) ----

  @Test
  @Timeout(120)
  void docxBombFailsBeforeParsing() {
    byte[] bomb = Fixtures.docxBomb(Fixtures.BOMB_CHARS);
    assertThat(bomb.length, lessThan(1024 * 1024));

    assertEquals(
        "compressed content expands to over "
            + 100L * bomb.length
            + " bytes (possible decompression bomb)",
        reason("bomb.docx", bomb));
  }

  @Test
  @Timeout(120)
  void odtBombFailsBeforeParsing() {
    byte[] bomb = Fixtures.odtBomb(Fixtures.BOMB_CHARS);
    assertThat(bomb.length, lessThan(1024 * 1024));

    assertEquals(
        "compressed content expands to over "
            + 100L * bomb.length
            + " bytes (possible decompression bomb)",
        reason("bomb.odt", bomb));
  }

  @Test
  @Timeout(120)
  void denseContainerUnderTheExpansionAllowanceIsStoppedByTikasRatioCheck() {
    // 15 MB inflates less than the 16 MiB any container may, so the parser runs; Tika's
    // SecureContentHandler stops output of over 100 characters per input byte.
    byte[] dense = Fixtures.odtBomb(15_000_000);

    assertEquals(
        "content expands too much when decompressed (possible decompression bomb)",
        reason("dense.odt", dense));
  }

  @Test
  void textBeyondTheExtractionCapFails() {
    // 1 KB limit: 10,240 characters of text at most, however well the ODT compresses.
    DocumentConverter tight =
        new DocumentConverter(new ConversionLimits(1024, Duration.ofSeconds(30)));
    byte[] odt = Fixtures.odtBomb(50_000);
    assertThat(odt.length, lessThan(1024));

    ConversionException e =
        assertThrows(ConversionException.class, () -> tight.convert("dense.odt", odt));

    assertEquals(
        "extracted text exceeds 10240 characters (possible decompression bomb)", e.reason());
  }

  @Test
  void largeRealDocxIsNotMistakenForABomb() throws Exception {
    List<String> paragraphs = new ArrayList<>();
    Random random = new Random(1);
    String[] words = {
      "vector", "search", "chunk", "embedding", "payload", "filter", "collection", "document",
      "pipeline", "runner", "source", "convert", "index", "query", "score", "model"
    };
    int chars = 0;
    while (chars < 1_500_000) {
      StringBuilder p = new StringBuilder();
      for (int w = 0; w < 60; w++) {
        p.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
      }
      paragraphs.add(p.toString().strip());
      chars += p.length();
    }

    ConvertedText out = converter.convert("big.docx", Fixtures.docx("Big", paragraphs));

    assertThat(out.text().length(), org.hamcrest.Matchers.greaterThan(1_500_000));
  }

  // ---- timeouts ----

  @Test
  @Timeout(30)
  void slowParseTimesOut() throws Exception {
    DocumentConverter slow =
        new DocumentConverter(
            new ConversionLimits(LIMITS.maxFileSizeBytes(), Duration.ofMillis(200)),
            new StuckParser(false));

    ConversionException e =
        assertThrows(
            ConversionException.class, () -> slow.convert("slow.pdf", Fixtures.pdf("t", "x")));

    assertEquals("conversion timed out after 0.2s", e.reason());
  }

  @Test
  @Timeout(30)
  void parseThatIgnoresInterruptsStillTimesOutAndLaterFilesConvert() throws Exception {
    StuckParser stuck = new StuckParser(true);
    DocumentConverter slow =
        new DocumentConverter(
            new ConversionLimits(LIMITS.maxFileSizeBytes(), Duration.ofMillis(300)), stuck);
    try {
      ConversionException e =
          assertThrows(
              ConversionException.class, () -> slow.convert("stuck.docx", Fixtures.docx("t", "x")));

      assertEquals("conversion timed out after 0.3s", e.reason());
      assertEquals(
          "Still converting.",
          converter.convert("next.pdf", Fixtures.pdf("t", "Still converting.")).text());
    } finally {
      stuck.release();
    }
  }

  // ---- lifecycle ----

  @Test
  void survivesSerializationWithItsLimits() throws Exception {
    DocumentConverter copy = SerializableUtils.clone(converter);

    assertEquals(LIMITS, copy.limits());
    assertEquals(
        "Serialized and back.",
        copy.convert("a.pdf", Fixtures.pdf("t", "Serialized and back.")).text());
  }

  @Test
  @Timeout(120)
  void convertsFromManyThreadsAtOnce() throws Exception {
    byte[] pdf = Fixtures.pdf("t", "Parallel PDF.");
    byte[] docx = Fixtures.docx("t", "Parallel DOCX.");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        boolean even = i % 2 == 0;
        results.add(
            pool.submit(
                () ->
                    even
                        ? converter.convert("p.pdf", pdf).text()
                        : converter.convert("d.docx", docx).text()));
      }
      for (int i = 0; i < results.size(); i++) {
        assertEquals(i % 2 == 0 ? "Parallel PDF." : "Parallel DOCX.", results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- helpers ----

  private ConvertedText convert(String name, String text) throws ConversionException {
    return converter.convert(name, text.getBytes(UTF_8));
  }

  private static byte[] png() throws IOException {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", png);
    return png.toByteArray();
  }

  private String reason(String name, byte[] bytes) {
    return assertThrows(ConversionException.class, () -> converter.convert(name, bytes)).reason();
  }

  /** Counts parse calls; never expected to be reached. */
  private static final class CountingParser implements Parser {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Set<MediaType> getSupportedTypes(ParseContext context) {
      return Set.of();
    }

    @Override
    public void parse(
        InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context) {
      calls.incrementAndGet();
    }
  }

  /** Never finishes on its own; optionally deaf to interrupts, as some real parsers are. */
  private static final class StuckParser implements Parser {
    private final boolean ignoreInterrupts;
    private volatile boolean released;

    StuckParser(boolean ignoreInterrupts) {
      this.ignoreInterrupts = ignoreInterrupts;
    }

    void release() {
      released = true;
    }

    @Override
    public Set<MediaType> getSupportedTypes(ParseContext context) {
      return Set.of();
    }

    @Override
    public void parse(
        InputStream stream, ContentHandler handler, Metadata metadata, ParseContext context)
        throws TikaException {
      while (!released) {
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          if (!ignoreInterrupts) {
            throw new TikaException("interrupted", e);
          }
        }
      }
    }
  }
}
