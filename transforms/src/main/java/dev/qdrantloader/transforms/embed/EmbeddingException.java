package dev.qdrantloader.transforms.embed;

/**
 * An embedding failure no retry and no other input can cure: the provider refuses the credentials,
 * the model or deployment does not exist, or it returns vectors of another size than the collection
 * holds. It stops the run before anything more is written, with a message that says what to fix.
 */
public class EmbeddingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddingException(String message) {
    super(message);
  }

  public EmbeddingException(String message, Throwable cause) {
    super(message, cause);
  }
}
