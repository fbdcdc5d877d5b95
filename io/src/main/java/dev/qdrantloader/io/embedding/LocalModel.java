package dev.qdrantloader.io.embedding;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The ONNX embedding models that ship inside Maven jars (LangChain4j's quantized builds), so the
 * default provider needs no download. {@code window} is the number of tokens the encoder really
 * embeds from one input, special tokens included: the MiniLM build's tokenizer cuts every input at
 * 128 tokens, so chunks must fit in 128.
 */
public enum LocalModel {
  ALL_MINILM_L6_V2_Q(
      "all-minilm-l6-v2-q",
      "/all-minilm-l6-v2-q.onnx",
      "/all-minilm-l6-v2-q-tokenizer.json",
      384,
      PoolingMode.MEAN,
      128),
  BGE_SMALL_EN_V15_Q(
      "bge-small-en-v15-q",
      "/bge-small-en-v1.5-q.onnx",
      "/bge-small-en-v1.5-q-tokenizer.json",
      384,
      PoolingMode.CLS,
      512);

  private final String id;
  final String modelResource;
  final String tokenizerResource;
  private final int dimension;
  final PoolingMode pooling;
  private final int window;

  LocalModel(
      String id,
      String modelResource,
      String tokenizerResource,
      int dimension,
      PoolingMode pooling,
      int window) {
    this.id = id;
    this.modelResource = modelResource;
    this.tokenizerResource = tokenizerResource;
    this.dimension = dimension;
    this.pooling = pooling;
    this.window = window;
  }

  /** The name used in {@code global.embedding.model}. */
  public String id() {
    return id;
  }

  public int dimension() {
    return dimension;
  }

  /** Classpath resource of the ONNX model (inside the model's jar). */
  public String modelResource() {
    return modelResource;
  }

  /** Classpath resource of the model's {@code tokenizer.json}. */
  public String tokenizerResource() {
    return tokenizerResource;
  }

  /** True when the sentence vector is the mean of the token vectors, false for the CLS vector. */
  public boolean meanPooling() {
    return pooling == PoolingMode.MEAN;
  }

  /** Tokens embedded from one input, special tokens included. */
  public int window() {
    return window;
  }

  public static LocalModel byId(String id) {
    for (LocalModel m : values()) {
      if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown local embedding model `"
            + id
            + "`; available: "
            + Arrays.stream(values()).map(LocalModel::id).collect(Collectors.joining(", ")));
  }
}
