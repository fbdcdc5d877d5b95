package dev.qdrantloader.transforms.chunk;

import java.util.List;

/**
 * Cuts one content type into pieces an embedding model accepts whole. Implementations never drop
 * text: every non-whitespace character of the input is in some piece, in order. Instances are not
 * serializable; DoFns build them in {@code @Setup} from a {@link TokenCounterFactory}.
 */
public interface Chunker {
  /** The pieces of {@code text}, in order; empty when the text is blank. */
  List<ChunkedText> chunk(String text);
}
