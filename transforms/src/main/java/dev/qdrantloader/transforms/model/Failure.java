package dev.qdrantloader.transforms.model;

import java.io.Serializable;
import java.util.Locale;

/**
 * A document (or chunk) that could not be processed, with the reason a user can act on. Failures
 * never stop a run; they are counted, listed in the run summary and make the exit status 1.
 *
 * @param stage where it failed: {@code read}, {@code convert}, {@code chunk}, {@code embed}, {@code
 *     write}
 * @param projectId the project
 * @param source the source name
 * @param path the document's path (or url)
 * @param reason what went wrong, in words (never the document's content)
 */
public record Failure(String stage, String projectId, String source, String path, String reason)
    implements Serializable {

  /** Words of a reason kept in its kind. */
  private static final int KIND_WORDS = 5;

  /**
   * The kind of reason, for counting failures by stage and reason with few distinct values: the
   * reason up to its first colon, parenthesis or comma (what follows is detail: a parser's message,
   * a size), at most five words, lower case, numbers of four or more digits as {@code N}. "corrupt
   * or unreadable PDF: Missing root object" and "encrypted PDF (password protected)" give "corrupt
   * or unreadable pdf" and "encrypted pdf".
   */
  public String reasonKind() {
    String head = reason == null ? "" : reason.split("[:(,]", 2)[0];
    String[] words = head.trim().toLowerCase(Locale.ROOT).replaceAll("\\d{4,}", "N").split("\\s+");
    String kind =
        String.join(" ", java.util.Arrays.copyOf(words, Math.min(words.length, KIND_WORDS)));
    return kind.isBlank() ? "unknown" : kind;
  }
}
