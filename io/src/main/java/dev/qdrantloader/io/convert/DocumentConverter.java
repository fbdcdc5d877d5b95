package dev.qdrantloader.io.convert;

import dev.qdrantloader.io.convert.FileTypes.FileType;
import dev.qdrantloader.transforms.model.Document;
import java.io.Serializable;
import java.util.Objects;
import org.apache.tika.parser.Parser;

/**
 * Turns the bytes of one file into text, or says in words why it cannot.
 *
 * <ul>
 *   <li>Markdown ({@code .md}, {@code .markdown}) is read as text; format {@link
 *       Document#FORMAT_MARKDOWN}, title from the first {@code # } heading.
 *   <li>Plain text, data ({@code .txt .rst .csv .log .json .yaml .xml ...}) and source code ({@code
 *       .java .py .ts .go .rs .c .cpp ...}) are read as text; format {@link Document#FORMAT_TEXT}.
 *       UTF-8 is expected; other charsets are detected.
 *   <li>PDF, Word, PowerPoint, Excel, OpenDocument, RTF, EPUB and HTML go through Apache Tika;
 *       format {@link Document#FORMAT_TEXT}, title from the document's metadata.
 *   <li>Other names: text if the bytes are text, a Tika document if Tika recognises one, else a
 *       failure.
 * </ul>
 *
 * <p>Every failure is a {@link ConversionException} whose message a user can act on: empty file,
 * over-size file (checked before any parsing), binary bytes in a text file, corrupt, encrypted or
 * image-only PDF, decompression bombs, timeouts. Text is whitespace-normalised and the title falls
 * back to the file name.
 *
 * <p>Thread-safe and serializable: the Tika parser is shared per JVM and not serialized.
 */
public final class DocumentConverter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ConversionLimits limits;

  /** Tests replace the parser; null means Tika's default (also after deserialization). */
  private final transient Parser parser;

  public DocumentConverter(ConversionLimits limits) {
    this(limits, null);
  }

  DocumentConverter(ConversionLimits limits, Parser parser) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.parser = parser;
  }

  public ConversionLimits limits() {
    return limits;
  }

  /**
   * Converts one file.
   *
   * @param fileName the file's name or path; its extension picks the route and its last segment is
   *     the fallback title
   * @param bytes the whole file
   * @throws ConversionException when the file cannot be converted, with the reason
   */
  public ConvertedText convert(String fileName, byte[] bytes) throws ConversionException {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(bytes, "bytes");
    checkSize(bytes.length, limits);
    if (bytes.length == 0) {
      throw new ConversionException("empty file");
    }
    FileType type = FileTypes.of(fileName);
    switch (type.route()) {
      case MARKDOWN:
        return markdown(fileName, TextDecoder.decode(bytes), type.mimeType());
      case TEXT:
        return text(fileName, TextDecoder.decode(bytes), type.mimeType());
      case DOCUMENT:
        return document(fileName, bytes, true);
      case UNKNOWN:
      default:
        String text = TextDecoder.tryDecode(bytes);
        return text != null
            ? text(fileName, text, type.mimeType())
            : document(fileName, bytes, false);
    }
  }

  /** Fails with "file is N bytes, over the limit of M bytes" when {@code sizeBytes} is too big. */
  static void checkSize(long sizeBytes, ConversionLimits limits) throws ConversionException {
    if (sizeBytes > limits.maxFileSizeBytes()) {
      throw new ConversionException(overSize(sizeBytes, limits));
    }
  }

  static String overSize(long sizeBytes, ConversionLimits limits) {
    return "file is "
        + sizeBytes
        + " bytes, over the limit of "
        + limits.maxFileSizeBytes()
        + " bytes";
  }

  private static ConvertedText markdown(String fileName, String raw, String mimeType)
      throws ConversionException {
    String text = nonBlank(Texts.normalize(raw), "no text (the file is blank)");
    String title = Texts.markdownTitle(text);
    return new ConvertedText(
        text,
        mimeType,
        title != null ? title : FileTypes.baseName(fileName),
        Document.FORMAT_MARKDOWN);
  }

  private static ConvertedText text(String fileName, String raw, String mimeType)
      throws ConversionException {
    String text = nonBlank(Texts.normalize(raw), "no text (the file is blank)");
    return new ConvertedText(text, mimeType, FileTypes.baseName(fileName), Document.FORMAT_TEXT);
  }

  private ConvertedText document(String fileName, byte[] bytes, boolean namedAsDocument)
      throws ConversionException {
    Parser tika = parser != null ? parser : TikaExtractor.defaultParser();
    TikaExtractor.Extracted extracted =
        TikaExtractor.extract(tika, fileName, bytes, limits, namedAsDocument);
    String text =
        nonBlank(
            Texts.normalize(extracted.text()),
            "application/pdf".equals(extracted.mimeType())
                ? "no extractable text (scanned or image-only PDF?)"
                : "no extractable text");
    String title = extracted.title().isBlank() ? FileTypes.baseName(fileName) : extracted.title();
    return new ConvertedText(text, extracted.mimeType(), title, Document.FORMAT_TEXT);
  }

  private static String nonBlank(String text, String reason) throws ConversionException {
    if (text.isBlank()) {
      throw new ConversionException(reason);
    }
    return text;
  }
}
