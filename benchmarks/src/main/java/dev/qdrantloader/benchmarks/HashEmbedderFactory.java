package dev.qdrantloader.benchmarks;

import dev.qdrantloader.transforms.embed.Embedder;
import dev.qdrantloader.transforms.embed.EmbedderFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A zero-cost embedder for the overhead scenario: a deterministic unit vector seeded by a checksum
 * of the text, so the pipeline's own machinery is all that is measured.
 */
final class HashEmbedderFactory implements EmbedderFactory {
  private final int dimension;
  private final int maxInputTokens;

  HashEmbedderFactory(int dimension, int maxInputTokens) {
    this.dimension = dimension;
    this.maxInputTokens = maxInputTokens;
  }

  @Override
  public Embedder create() {
    return new Embedder() {
      @Override
      public List<float[]> embed(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String text : texts) {
          CRC32C crc = new CRC32C();
          crc.update(text.getBytes(StandardCharsets.UTF_8));
          long seed = crc.getValue() * 0x9E3779B97F4A7C15L;
          float[] v = new float[dimension];
          double norm = 0;
          for (int i = 0; i < dimension; i++) {
            seed ^= seed << 13;
            seed ^= seed >>> 7;
            seed ^= seed << 17;
            v[i] = (seed % 1000) / 1000f;
            norm += v[i] * v[i];
          }
          float scale = (float) (1 / Math.sqrt(norm == 0 ? 1 : norm));
          for (int i = 0; i < dimension; i++) {
            v[i] *= scale;
          }
          out.add(v);
        }
        return out;
      }

      @Override
      public int dimension() {
        return dimension;
      }

      @Override
      public int maxInputTokens() {
        return maxInputTokens;
      }
    };
  }

  @Override
  public String describe() {
    return "hash (zero-cost, " + dimension + " dimensions)";
  }
}
