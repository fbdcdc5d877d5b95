package dev.qdrantloader.io.embedding.remote;

import dev.qdrantloader.transforms.embed.EmbedderFactory;

/**
 * The recipe for a remote embedder: every {@link #create()} in a JVM with an equal configuration
 * returns the same {@link RemoteEmbedder}, so all DoFns share its HTTP client, rate limits and
 * bound on requests in flight.
 */
public final class RemoteEmbedderFactory implements EmbedderFactory {
  private static final long serialVersionUID = 1L;
  private final RemoteEmbeddingConfig config;

  public RemoteEmbedderFactory(RemoteEmbeddingConfig config) {
    if (config == null) {
      throw new IllegalArgumentException("remote embedding config must not be null");
    }
    this.config = config;
  }

  @Override
  public RemoteEmbedder create() {
    return RemoteEmbedder.shared(config);
  }

  /** Provider, model, dimensions and base URL; never the key or header values. */
  @Override
  public String describe() {
    return config.describe();
  }

  @Override
  public String toString() {
    return "RemoteEmbedderFactory[" + config.describe() + "]";
  }
}
