package dev.qdrantloader.io.embedding;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * A sentence encoder straight on ONNX Runtime: tokenize (no padding, cut at the model's window),
 * run the model on one text, pool the token vectors (mean or CLS) and normalise. One text per run
 * is the fastest way measured on CPU here (benchmarks' limit scenario): nothing is spent on
 * padding, and parallel callers each keep a core busy. Thread-safe; callers share one per JVM.
 */
final class OnnxEncoder {
  private final OrtEnvironment env;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean meanPooling;
  private final boolean takesTokenTypes;

  OnnxEncoder(
      OrtEnvironment env, OrtSession session, HuggingFaceTokenizer tokenizer, boolean meanPooling) {
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.meanPooling = meanPooling;
    this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
  }

  float[] encode(String text) {
    long[] ids = tokenizer.encode(text).getIds();
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1L);
    long[] shape = {1, ids.length};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try (OnnxTensor idTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor typeTensor =
            OnnxTensor.createTensor(env, LongBuffer.wrap(new long[ids.length]), shape)) {
      inputs.put("input_ids", idTensor);
      inputs.put("attention_mask", maskTensor);
      if (takesTokenTypes) {
        inputs.put("token_type_ids", typeTensor);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        float[][] tokens = ((float[][][]) result.get(0).getValue())[0];
        return normalised(pool(tokens));
      }
    } catch (OrtException e) {
      throw new IllegalStateException("the model failed on an input: " + e.getMessage(), e);
    }
  }

  private float[] pool(float[][] tokens) {
    if (!meanPooling) {
      return tokens[0].clone();
    }
    int dim = tokens[0].length;
    float[] v = new float[dim];
    for (float[] t : tokens) {
      for (int d = 0; d < dim; d++) {
        v[d] += t[d];
      }
    }
    for (int d = 0; d < dim; d++) {
      v[d] /= tokens.length;
    }
    return v;
  }

  private static float[] normalised(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    if (norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < v.length; d++) {
        v[d] *= scale;
      }
    }
    return v;
  }
}
