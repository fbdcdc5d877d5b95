package dev.qdrantloader.io.embedding;

import dev.qdrantloader.transforms.embed.Embedder;
import dev.qdrantloader.transforms.embed.EmbedderFactory;
import java.util.ArrayList;
import java.util.List;

/** The default provider, {@code local}: an ONNX model from a jar, loaded once per JVM. */
public final class LocalEmbedderFactory implements EmbedderFactory {
  private static final long serialVersionUID = 1L;
  private final LocalModel model;

  public LocalEmbedderFactory(LocalModel model) {
    this.model = model;
  }

  @Override
  public Embedder create() {
    return new LocalEmbedder(model);
  }

  @Override
  public String describe() {
    return "local/" + model.id();
  }

  private static final class LocalEmbedder implements Embedder {
    private final LocalModel model;

    LocalEmbedder(LocalModel model) {
      this.model = model;
      LocalModels.model(model); // load now (in @Setup), not on the first element
    }

    @Override
    public List<float[]> embed(List<String> texts) {
      OnnxEncoder encoder = LocalModels.model(model);
      List<float[]> out = new ArrayList<>(texts.size());
      for (String t : texts) {
        out.add(encoder.encode(t));
      }
      return out;
    }

    @Override
    public int dimension() {
      return model.dimension();
    }

    @Override
    public int maxInputTokens() {
      return model.window();
    }
  }
}
