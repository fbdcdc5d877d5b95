package dev.qdrantloader.io.embedding.remote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The OpenAI embeddings wire format in its dialects: the request (URL, headers, JSON body), the
 * vectors of an answer and the message of an error answer. Holds the secrets only to put them in
 * headers; {@link #safeUrl()} is the URL to show.
 */
final class EmbeddingsApi {
  private static final JsonFactory JSON = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_MESSAGE = 300;

  private final RemoteEmbeddingConfig config;
  private final URI uri;
  private final String safeUrl;

  EmbeddingsApi(RemoteEmbeddingConfig config) {
    this.config = config;
    String base = config.baseUrl().strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String url = base + "/embeddings";
    if (config.provider() == RemoteEmbeddingConfig.Provider.AZURE_OPENAI) {
      url += "?api-version=" + URLEncoder.encode(config.apiVersion(), StandardCharsets.UTF_8);
    }
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("base_url is not a valid URL: " + e.getReason());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException(
          "base_url must start with http:// or https://, got scheme " + uri.getScheme());
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("base_url has no host");
    }
    safeUrl =
        uri.getScheme()
            + "://"
            + uri.getHost()
            + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
            + uri.getRawPath();
    // Fail now, not on the first request, if an extra header is one the JDK client refuses.
    for (String name : config.headers().keySet()) {
      try {
        HttpRequest.newBuilder(uri).header(name, "x");
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "header `" + name + "` cannot be set on embedding requests: " + e.getMessage());
      }
    }
  }

  /** The request URL without query or user info: what messages may show. */
  String safeUrl() {
    return safeUrl;
  }

  /** HTTP/1.1 for plain http (local servers rarely speak h2c), HTTP/2 with fallback otherwise. */
  HttpClient.Version version() {
    return "http".equalsIgnoreCase(uri.getScheme())
        ? HttpClient.Version.HTTP_1_1
        : HttpClient.Version.HTTP_2;
  }

  /**
   * How vectors come back: base64 float32 from OpenAI and Azure (a quarter of the bytes of decimal
   * text, and no number parsing), decimal floats from other servers, which do not all accept
   * base64. Answers are read in either form.
   */
  String encodingFormat() {
    return config.provider() == RemoteEmbeddingConfig.Provider.OPENAI_COMPATIBLE
        ? "float"
        : "base64";
  }

  /** The JSON body for these inputs; built once per request and resent as is on retries. */
  byte[] body(List<String> texts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + texts.size() * 256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", config.model());
      g.writeArrayFieldStart("input");
      for (String t : texts) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeStringField("encoding_format", encodingFormat());
      if (config.dimensions() != null) {
        g.writeNumberField("dimensions", config.dimensions());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write an embedding request", e);
    }
    return out.toByteArray();
  }

  HttpRequest request(byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMillis(config.timeoutMillis()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : config.headers().entrySet()) {
      b.header(h.getKey(), h.getValue());
    }
    String key = config.apiKey();
    if (key != null && !key.isEmpty()) {
      if (config.provider() == RemoteEmbeddingConfig.Provider.AZURE_OPENAI) {
        b.setHeader("api-key", key);
      } else {
        b.setHeader("Authorization", "Bearer " + key);
      }
    }
    return b.build();
  }

  /** An answer with status 200 that does not hold the vectors asked for. */
  static final class MalformedResponse extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedResponse(String message) {
      super(message);
    }
  }

  /**
   * The vectors of a 200 answer, in input order ({@code data[].index}, or position when absent).
   * Streams the JSON: an answer can hold thousands of vectors.
   */
  static List<float[]> vectors(byte[] body, int inputs) throws MalformedResponse {
    float[][] out = new float[inputs][];
    int count = 0;
    try (JsonParser p = JSON.createParser(body)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, "an object");
      boolean sawData = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.getCurrentName();
        JsonToken value = p.nextToken();
        if (!"data".equals(field)) {
          p.skipChildren();
          continue;
        }
        sawData = true;
        expect(value, JsonToken.START_ARRAY, "`data` as an array");
        while (p.nextToken() == JsonToken.START_OBJECT) {
          int index = count;
          float[] vector = null;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.getCurrentName();
            JsonToken t = p.nextToken();
            if ("index".equals(name) && t == JsonToken.VALUE_NUMBER_INT) {
              index = p.getIntValue();
            } else if ("embedding".equals(name) && t == JsonToken.VALUE_STRING) {
              vector = base64Floats(p.getText());
            } else if ("embedding".equals(name)) {
              expect(t, JsonToken.START_ARRAY, "`embedding` as an array of floats");
              vector = floats(p);
            } else {
              p.skipChildren();
            }
          }
          if (vector == null) {
            throw new MalformedResponse("data[" + count + "] has no embedding");
          }
          if (index < 0 || index >= inputs || out[index] != null) {
            throw new MalformedResponse(
                "data[" + count + "] has index " + index + " (" + inputs + " inputs sent)");
          }
          out[index] = vector;
          count++;
        }
      }
      if (!sawData) {
        throw new MalformedResponse("no `data` in the answer");
      }
    } catch (IOException e) {
      throw new MalformedResponse("not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (count != inputs) {
      throw new MalformedResponse(count + " vectors for " + inputs + " inputs");
    }
    return Arrays.asList(out);
  }

  /** An embedding sent as base64 of little-endian float32 values. */
  private static float[] base64Floats(String text) throws MalformedResponse {
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new MalformedResponse("an embedding is neither numbers nor base64");
    }
    if (bytes.length % 4 != 0) {
      throw new MalformedResponse("a base64 embedding of " + bytes.length + " bytes (not float32)");
    }
    float[] v = new float[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static float[] floats(JsonParser p) throws IOException, MalformedResponse {
    float[] v = new float[256];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
        throw new MalformedResponse("an embedding holds " + t + ", not numbers");
      }
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
      }
      v[n++] = p.getFloatValue();
    }
    return Arrays.copyOf(v, n);
  }

  private static void expect(JsonToken got, JsonToken want, String what) throws MalformedResponse {
    if (got != want) {
      throw new MalformedResponse("expected " + what + ", found " + got);
    }
  }

  /**
   * The provider's reason in an error answer: {@code error.message} (or a string {@code error}),
   * else the body text; at most about 300 characters.
   */
  static String errorMessage(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    try {
      JsonNode error = MAPPER.readTree(body).path("error");
      if (error.isTextual()) {
        text = error.asText();
      } else if (error.path("message").isTextual()) {
        text = error.path("message").asText();
      }
    } catch (IOException | RuntimeException notJson) {
      // keep the body text
    }
    text = text.replaceAll("\\s+", " ");
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Inputs as a list of their texts, for a request over some of a batch's inputs. */
  static List<String> select(List<String> texts, int[] indices) {
    List<String> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(texts.get(i));
    }
    return out;
  }
}
