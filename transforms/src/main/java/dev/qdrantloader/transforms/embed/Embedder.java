package dev.qdrantloader.transforms.embed;

import java.util.List;

/**
 * Turns texts into vectors. Implementations are thread-safe and may be shared by every DoFn
 * instance in a JVM.
 */
public interface Embedder {
  /** One vector per text, in order. Throws on failure; the caller isolates failing inputs. */
  List<float[]> embed(List<String> texts);

  /** Length of every vector. */
  int dimension();

  /**
   * The most tokens (special tokens included) the model embeds from one input; a longer input would
   * be truncated, so callers refuse it instead.
   */
  int maxInputTokens();
}
