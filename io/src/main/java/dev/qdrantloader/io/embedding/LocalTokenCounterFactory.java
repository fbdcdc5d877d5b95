package dev.qdrantloader.io.embedding;

import dev.qdrantloader.transforms.chunk.TokenCounter;
import dev.qdrantloader.transforms.chunk.TokenCounterFactory;

/** Counts tokens with the local model's own tokenizer, untruncated, special tokens included. */
public final class LocalTokenCounterFactory implements TokenCounterFactory {
  private static final long serialVersionUID = 1L;
  private final LocalModel model;

  public LocalTokenCounterFactory(LocalModel model) {
    this.model = model;
  }

  @Override
  public TokenCounter create() {
    var tokenizer = LocalModels.countingTokenizer(model);
    return text -> tokenizer.encode(text).getIds().length;
  }
}
