package dev.qdrantloader.io.embedding.remote;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import dev.qdrantloader.transforms.chunk.TokenCounterFactory;
import java.util.Optional;

/**
 * Counts tokens as OpenAI-style embedding models do, with jtokkit's port of tiktoken: the text's
 * ordinary tokens (special-token text such as {@code <|endoftext|>} is counted as plain text), none
 * added, nothing truncated. OpenAI's embedding endpoint adds no special tokens to an input, so this
 * is the count its {@code max_tokens_per_input} limit applies to.
 *
 * <p>The encoding is the model's own when jtokkit knows the model ({@code text-embedding-3-small},
 * {@code text-embedding-3-large} and {@code text-embedding-ada-002} all use {@code cl100k_base}).
 * For any other name (an Azure deployment, a model behind an OpenAI-compatible server) it is {@code
 * cl100k_base} as an estimate only: such a model's own tokenizer may count more, so leave headroom
 * in its token limit; {@link #knowsModel()} tells which case applies.
 *
 * <p>The counter does not tell where tokens lie ({@link TokenCounter#tokenOffsets} stays null): a
 * BPE token can cross whitespace (" the" carries its leading space, ".\n" its newline), and a
 * span's first word encodes differently alone than after a space: in "see independently" the word
 * is one token, alone it is three. Tokens counted inside a span of a larger text could so be fewer
 * than the provider counts for the span sent alone. The chunker therefore counts every span on its
 * own (each character a few times over, not quadratically), and each chunk's count is the exact
 * count of its text.
 */
public final class OpenAiTokenCounterFactory implements TokenCounterFactory {
  private static final long serialVersionUID = 1L;

  /** The encoding used for models jtokkit does not know. */
  public static final EncodingType FALLBACK = EncodingType.CL100K_BASE;

  private final String model;

  /**
   * @param model the model name sent to the provider, e.g. {@code text-embedding-3-small}
   */
  public OpenAiTokenCounterFactory(String model) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must be a non-blank model name, was " + model);
    }
    this.model = model;
  }

  public String model() {
    return model;
  }

  /**
   * Whether jtokkit knows {@link #model()}; when not, counts are a {@code cl100k_base} estimate.
   */
  public boolean knowsModel() {
    return modelEncoding(model).isPresent();
  }

  /** The name of the encoding counts use, e.g. {@code cl100k_base}. */
  public String encodingName() {
    return encoding(model).getName();
  }

  @Override
  public TokenCounter create() {
    return new Counter(encoding(model));
  }

  private static Encoding encoding(String model) {
    return modelEncoding(model).orElseGet(() -> Registry.INSTANCE.getEncoding(FALLBACK));
  }

  private static Optional<Encoding> modelEncoding(String model) {
    return Registry.INSTANCE.getEncodingForModel(model);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpenAiTokenCounterFactory other && model.equals(other.model);
  }

  @Override
  public int hashCode() {
    return model.hashCode();
  }

  @Override
  public String toString() {
    return "OpenAiTokenCounterFactory[" + model + "]";
  }

  /**
   * One registry per JVM, created on first use (class initialisation is thread-safe); it loads each
   * encoding's vocabulary once, when first asked for it, and its encodings are thread-safe.
   */
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }

  private static final class Counter implements TokenCounter {
    private final Encoding encoding;

    Counter(Encoding encoding) {
      this.encoding = encoding;
    }

    @Override
    public int countTokens(String text) {
      return encoding.countTokensOrdinary(text);
    }
  }
}
