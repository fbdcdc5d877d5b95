package dev.qdrantloader.io.convert;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.io.TemporaryResources;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.microsoft.OfficeParserConfig;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.ContentHandlerDecorator;
import org.apache.tika.sax.WriteOutContentHandler;
import org.xml.sax.Attributes;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Runs one Tika parse under the {@link ConversionLimits}: zip containers must not inflate far
 * beyond their size ({@link ZipExpansion}); the detected type must be a document type we extract;
 * extracted text is capped (and Tika's own {@code SecureContentHandler}, installed by {@link
 * AutoDetectParser}, stops output out of proportion to the input); the parse runs on a bounded pool
 * and is abandoned after the timeout. Embedded documents (images, attachments, OLE objects) are not
 * parsed: with no {@link Parser} in the {@link ParseContext}, Tika hands them to its empty parser,
 * which keeps nested archives from widening the attack surface.
 */
final class TikaExtractor {
  /** What Tika found: raw (not yet normalised) text, detected media type, title from metadata. */
  record Extracted(String text, String mimeType, String title) {}

  /**
   * Parses running at once in this JVM, counting parses abandoned after a timeout that have not yet
   * stopped. Past this, conversions fail fast instead of queueing behind stuck parsers.
   */
  static final int MAX_PARALLEL_PARSES =
      Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

  private static final ThreadPoolExecutor EXECUTOR =
      new ThreadPoolExecutor(
          0,
          MAX_PARALLEL_PARSES,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          daemonThreads("qdrant-loader-convert-"));

  private TikaExtractor() {}

  /** Tika's default parser and detector: built once per JVM, thread-safe. */
  private static final class Defaults {
    static final TikaConfig CONFIG = TikaConfig.getDefaultConfig();
    static final Parser PARSER = new AutoDetectParser(CONFIG);
    static final Detector DETECTOR = CONFIG.getDetector();
  }

  static Parser defaultParser() {
    return Defaults.PARSER;
  }

  /**
   * Extracts the text of {@code bytes}.
   *
   * @param namedAsDocument the file name has a document extension (.pdf, .docx, ...), so content
   *     that turns out to be something else is reported as a mismatch
   */
  static Extracted extract(
      Parser parser,
      String fileName,
      byte[] bytes,
      ConversionLimits limits,
      boolean namedAsDocument)
      throws ConversionException {
    AtomicBoolean cancelled = new AtomicBoolean();
    Future<Extracted> future;
    try {
      future =
          EXECUTOR.submit(() -> parse(parser, fileName, bytes, limits, namedAsDocument, cancelled));
    } catch (RejectedExecutionException e) {
      throw new ConversionException(
          "converter busy: "
              + MAX_PARALLEL_PARSES
              + " conversions still running (earlier ones may be stuck after timing out)");
    }
    Duration timeout = limits.timeout();
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      cancelled.set(true);
      future.cancel(true);
      throw new ConversionException("conversion timed out after " + seconds(timeout));
    } catch (InterruptedException e) {
      cancelled.set(true);
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while converting");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConversionException conversion) {
        throw conversion;
      }
      // parse() turns every Throwable into a ConversionException; anything else is our bug
      throw new IllegalStateException("unexpected conversion failure", e.getCause());
    }
  }

  private static Extracted parse(
      Parser parser,
      String fileName,
      byte[] bytes,
      ConversionLimits limits,
      boolean namedAsDocument,
      AtomicBoolean cancelled)
      throws ConversionException {
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, FileTypes.baseName(fileName));
    String mimeType = "";
    try (TemporaryResources tmp = new TemporaryResources()) {
      TikaInputStream stream =
          TikaInputStream.get(
              new CancellableInputStream(new ByteArrayInputStream(bytes), cancelled),
              tmp,
              metadata);
      mimeType = Defaults.DETECTOR.detect(stream, metadata).getBaseType().toString();
      if (!FileTypes.isParsed(mimeType)) {
        throw new ConversionException(
            namedAsDocument
                ? "content does not match the ."
                    + FileTypes.extension(fileName)
                    + " extension (detected "
                    + mimeType
                    + ")"
                : "unsupported binary format (" + mimeType + "): no extractable text");
      }
      ZipExpansion.check(bytes);
      StringWriter text = new StringWriter();
      ContentHandler handler =
          new CancellableHandler(
              new BodyContentHandler(
                  new BlockBreaks(new WriteOutContentHandler(text, limits.maxExtractedChars()))),
              cancelled);
      parser.parse(stream, handler, metadata, parseContext());
      String title = metadata.get(TikaCoreProperties.TITLE);
      MediaType parsedAs = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE));
      return new Extracted(
          text.toString(),
          parsedAs != null ? parsedAs.getBaseType().toString() : mimeType,
          title == null ? "" : title.strip());
    } catch (ConversionException e) {
      throw e;
    } catch (Throwable t) { // a parser crashing on one file is that file's failure
      if (cancelled.get()) {
        throw new ConversionException("conversion cancelled after timing out", t);
      }
      throw new ConversionException(
          ParseFailures.reason(t, label(fileName, mimeType), limits.maxExtractedChars()), t);
    }
  }

  private static ParseContext parseContext() {
    ParseContext context = new ParseContext();
    PDFParserConfig pdf = new PDFParserConfig();
    // No OCR: it needs tesseract, is slow and is not what "convert" promises.
    pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
    pdf.setExtractInlineImages(false);
    context.set(PDFParserConfig.class, pdf);
    OfficeParserConfig office = new OfficeParserConfig();
    // Stream DOCX and PPTX parts through SAX: the DOM extractors load a whole part into memory
    // before any text reaches the limits, which a decompression bomb turns into gigabytes.
    office.setUseSAXDocxExtractor(true);
    office.setUseSAXPptxExtractor(true);
    context.set(OfficeParserConfig.class, office);
    TesseractOCRConfig ocr = new TesseractOCRConfig();
    ocr.setSkipOcr(true);
    context.set(TesseractOCRConfig.class, ocr);
    return context;
  }

  /** "PDF", "DOCX document", or "document (application/msword)" for a file with no extension. */
  static String label(String fileName, String mimeType) {
    String extension = FileTypes.extension(fileName);
    if ("application/pdf".equals(mimeType) || (mimeType.isEmpty() && "pdf".equals(extension))) {
      return "PDF";
    }
    if (!extension.isEmpty()) {
      return extension.toUpperCase(Locale.ROOT) + " document";
    }
    return mimeType.isEmpty() ? "document" : "document (" + mimeType + ")";
  }

  static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Fails every read once the conversion was abandoned, so a timed-out parse stops early. */
  private static final class CancellableInputStream extends FilterInputStream {
    private final AtomicBoolean cancelled;

    CancellableInputStream(InputStream in, AtomicBoolean cancelled) {
      super(in);
      this.cancelled = cancelled;
    }

    private void check() throws InterruptedIOException {
      if (cancelled.get()) {
        throw new InterruptedIOException("conversion cancelled");
      }
    }

    @Override
    public int read() throws IOException {
      check();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return super.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      check();
      return super.skip(n);
    }
  }

  /**
   * Makes block structure visible in the text: a blank line after paragraphs, headings, tables,
   * lists and pages, a line break after list items and table rows. Tika's text output has most of
   * these breaks but not all (OpenDocument headings run into the next paragraph), and it separates
   * paragraphs and wrapped lines alike with one line break. Breaks are added only where the text
   * does not already have them, just before the next non-blank text.
   */
  private static final class BlockBreaks extends ContentHandlerDecorator {
    private static final Set<String> PARAGRAPHS =
        Set.of("p h1 h2 h3 h4 h5 h6 pre blockquote table ul ol dl div section article".split(" "));
    private static final Set<String> LINES = Set.of("li", "tr", "dt", "dd", "br");
    private static final char[] NEWLINES = {'\n', '\n'};

    /** Line breaks the text needs before its next non-blank character. */
    private int pending;

    /** Line breaks at the end of the text so far, after its last non-blank character. */
    private int trailing;

    BlockBreaks(ContentHandler handler) {
      super(handler);
    }

    @Override
    public void endElement(String uri, String localName, String name) throws SAXException {
      super.endElement(uri, localName, name);
      String element = localName.isEmpty() ? name : localName;
      if (PARAGRAPHS.contains(element)) {
        pending = 2;
      } else if (LINES.contains(element)) {
        pending = Math.max(pending, 1);
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
      int end = start + length;
      int first = start;
      while (first < end && Character.isWhitespace(ch[first])) {
        first++;
      }
      if (first == end) {
        trailing += newlines(ch, start, end);
        super.characters(ch, start, length);
        return;
      }
      int missing = pending - trailing - newlines(ch, start, first);
      if (missing > 0) {
        super.characters(NEWLINES, 0, missing);
      }
      pending = 0;
      super.characters(ch, start, length);
      int last = end;
      while (Character.isWhitespace(ch[last - 1])) {
        last--;
      }
      trailing = newlines(ch, last, end);
    }

    @Override
    public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
      trailing += newlines(ch, start, start + length);
      super.ignorableWhitespace(ch, start, length);
    }

    private static int newlines(char[] ch, int from, int to) {
      int count = 0;
      for (int i = from; i < to; i++) {
        if (ch[i] == '\n') {
          count++;
        }
      }
      return count;
    }
  }

  /** Fails on the next SAX event once the conversion was abandoned. */
  private static final class CancellableHandler extends ContentHandlerDecorator {
    private final AtomicBoolean cancelled;

    CancellableHandler(ContentHandler handler, AtomicBoolean cancelled) {
      super(handler);
      this.cancelled = cancelled;
    }

    private void check() throws SAXException {
      if (cancelled.get()) {
        throw new SAXException("conversion cancelled");
      }
    }

    @Override
    public void startElement(String uri, String localName, String name, Attributes atts)
        throws SAXException {
      check();
      super.startElement(uri, localName, name, atts);
    }

    @Override
    public void characters(char[] ch, int start, int length) throws SAXException {
      check();
      super.characters(ch, start, length);
    }
  }
}
