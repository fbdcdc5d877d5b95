package dev.qdrantloader.io.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads each local model once per JVM and shares it: the encoder (an ONNX session with one intra-op
 * thread, so parallel DoFn threads each keep a core busy, the fastest setup measured on 2 cores)
 * and a tokenizer that never truncates, for counting.
 */
final class LocalModels {
  private LocalModels() {}

  private static final Map<LocalModel, OnnxEncoder> MODELS = new ConcurrentHashMap<>();
  private static final Map<LocalModel, HuggingFaceTokenizer> COUNTERS = new ConcurrentHashMap<>();

  static OnnxEncoder model(LocalModel m) {
    return MODELS.computeIfAbsent(m, LocalModels::load);
  }

  static HuggingFaceTokenizer countingTokenizer(LocalModel m) {
    return COUNTERS.computeIfAbsent(
        m,
        model -> {
          try (InputStream in = resource(model.tokenizerResource)) {
            // Counting must see the whole text: no truncation, no padding.
            return HuggingFaceTokenizer.newInstance(
                in, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true"));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer of " + model.id(), e);
          }
        });
  }

  private static OnnxEncoder load(LocalModel m) {
    try {
      byte[] onnx;
      try (InputStream in = resource(m.modelResource)) {
        onnx = in.readAllBytes();
      }
      HuggingFaceTokenizer tokenizer;
      try (InputStream in = resource(m.tokenizerResource)) {
        // The window is the model's: longer inputs are cut there (callers refuse them first).
        tokenizer =
            HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(withoutPadding(in.readAllBytes())),
                Map.of(
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(m.window()),
                    "addSpecialTokens", "true"));
      }
      OrtEnvironment env = environment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = env.createSession(onnx, options);
      return new OnnxEncoder(env, session, tokenizer, m.pooling == PoolingMode.MEAN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model " + m.id() + " from its jar", e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot start ONNX runtime for " + m.id(), e);
    }
  }

  /**
   * ONNX Runtime 1.29 scans the process's command line with a recursive regular expression when its
   * environment is created; a command line over about 3.5 KB (long JVM options, a Spark or Dataflow
   * worker's classpath) overflows a worker thread's 1 MB stack and the JVM dies with SIGSEGV. So
   * the environment is created once on a thread with a large stack.
   */
  private static OrtEnvironment environment() {
    OrtEnvironment[] env = new OrtEnvironment[1];
    RuntimeException[] failure = new RuntimeException[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                env[0] = OrtEnvironment.getEnvironment();
              } catch (RuntimeException e) {
                failure[0] = e;
              }
            },
            "onnxruntime-environment",
            256L << 20);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return env[0];
  }

  /**
   * The shipped MiniLM tokenizer pads every input to 128 tokens, so a 40-token chunk costs as much
   * as a full one. Mean pooling uses the attention mask, so padding does not change the vector:
   * dropping it only saves work. Truncation stays as shipped (chunks are kept inside it).
   */
  static byte[] withoutPadding(byte[] tokenizerJson) throws IOException {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(tokenizerJson);
    if (!root.path("padding").isNull()) {
      root.putNull("padding");
    }
    return json.writeValueAsBytes(root);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = LocalModels.class.getResourceAsStream(name);
    if (in == null) {
      throw new IOException(
          name + " is not on the classpath (is the model's langchain4j-embeddings jar missing?)");
    }
    return in;
  }
}
