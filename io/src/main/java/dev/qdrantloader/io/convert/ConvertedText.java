package dev.qdrantloader.io.convert;

import java.util.Objects;

/**
 * The text of one file, ready to chunk.
 *
 * @param text extracted text, whitespace-normalised, never blank
 * @param mimeType media type of the original file, without parameters (e.g. {@code
 *     application/pdf}, {@code text/markdown})
 * @param title first Markdown heading or the document's own title, else the file name
 * @param format {@link dev.qdrantloader.transforms.model.Document#FORMAT_MARKDOWN} or {@link
 *     dev.qdrantloader.transforms.model.Document#FORMAT_TEXT}
 */
public record ConvertedText(String text, String mimeType, String title, String format) {
  public ConvertedText {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(mimeType, "mimeType");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(format, "format");
  }
}
