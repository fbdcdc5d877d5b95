package dev.qdrantloader.transforms.chunk;

import java.util.List;
import java.util.Objects;

/**
 * One piece of a text as a {@link Chunker} cut it: a verbatim slice of the input.
 *
 * @param text the piece, without leading or trailing whitespace
 * @param headingPath the headings above the piece, outermost first; empty when there are none
 * @param tokenCount what the {@link TokenCounter} counted for {@code text} alone
 */
public record ChunkedText(String text, List<String> headingPath, int tokenCount) {
  public ChunkedText {
    Objects.requireNonNull(text, "text");
    headingPath = List.copyOf(headingPath);
  }
}
