package dev.qdrantloader.transforms.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * A source document after conversion to text. Immutable.
 *
 * @param documentId stable id: {@link DocumentIds#documentId} of source type, source name and
 *     normalised relative path; the same on every run and machine
 * @param projectId the project the source belongs to
 * @param sourceType e.g. {@code localfile}
 * @param source the source's name in the configuration
 * @param path the path relative to the source's base, with forward slashes
 * @param url where the document lives (e.g. {@code file:///...} or {@code gs://...})
 * @param title a human title (first heading, document metadata, or the file name)
 * @param mimeType detected media type of the original file
 * @param format how to chunk the text: {@link #FORMAT_MARKDOWN} or {@link #FORMAT_TEXT}
 * @param text the extracted text
 * @param contentHash SHA-256 (hex) of the original bytes
 * @param lastModifiedMillis the source's last-modified time, epoch milliseconds (0 if unknown)
 */
public record Document(
    String documentId,
    String projectId,
    String sourceType,
    String source,
    String path,
    String url,
    String title,
    String mimeType,
    String format,
    String text,
    String contentHash,
    long lastModifiedMillis)
    implements Serializable {
  public static final String FORMAT_MARKDOWN = "markdown";
  public static final String FORMAT_TEXT = "text";

  public Document {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(format, "format");
  }
}
