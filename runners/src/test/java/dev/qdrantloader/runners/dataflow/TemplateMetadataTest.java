package dev.qdrantloader.runners.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.junit.jupiter.api.Test;

/**
 * {@code templates/dataflow/metadata.json} and {@link IngestTemplateOptions} describe the same
 * parameters: adding, removing or making an option required without updating the file fails here.
 */
class TemplateMetadataTest {
  /** Surefire runs in the module directory. */
  static final Path METADATA = Path.of("../templates/dataflow/metadata.json");

  static Map<String, JsonNode> parametersByName() throws Exception {
    JsonNode root = new ObjectMapper().readTree(Files.readString(METADATA));
    assertFalse(root.path("name").asText().isBlank(), "metadata.json has a name");
    assertFalse(root.path("description").asText().isBlank(), "metadata.json has a description");
    Map<String, JsonNode> byName = new TreeMap<>();
    for (JsonNode p : root.withArray("parameters")) {
      assertNull(byName.put(p.path("name").asText(), p), "duplicate parameter " + p);
    }
    return byName;
  }

  /** The options {@link IngestTemplateOptions} itself declares (not Dataflow's), by name. */
  static Map<String, Method> declaredOptions() {
    Map<String, Method> byName = new TreeMap<>();
    for (Method m : IngestTemplateOptions.class.getDeclaredMethods()) {
      if (m.getName().startsWith("get")) {
        String p = m.getName().substring(3);
        byName.put(Character.toLowerCase(p.charAt(0)) + p.substring(1), m);
      }
    }
    return byName;
  }

  @Test
  void everyDeclaredOptionIsAParameterAndNothingElse() throws Exception {
    assertEquals(declaredOptions().keySet(), parametersByName().keySet());
    assertEquals(declaredOptions().keySet(), DataflowTemplate.parameterNames());
  }

  @Test
  void requiredOptionsAreTheParametersThatAreNotOptional() throws Exception {
    Map<String, JsonNode> params = parametersByName();
    for (Map.Entry<String, Method> o : declaredOptions().entrySet()) {
      JsonNode p = params.get(o.getKey());
      assertNotNull(p, o.getKey() + " is not a parameter in " + METADATA);
      boolean required = o.getValue().isAnnotationPresent(Validation.Required.class);
      assertTrue(p.has("isOptional"), o.getKey() + ": isOptional is spelt out");
      assertEquals(!required, p.get("isOptional").asBoolean(), o.getKey() + ": isOptional");
    }
  }

  @Test
  void helpTextIsTheOptionsDescriptionAndHasALabel() throws Exception {
    Map<String, JsonNode> params = parametersByName();
    for (Map.Entry<String, Method> o : declaredOptions().entrySet()) {
      Description d = o.getValue().getAnnotation(Description.class);
      assertNotNull(d, o.getKey() + " has a @Description");
      JsonNode p = params.get(o.getKey());
      assertNotNull(p, o.getKey() + " is not a parameter in " + METADATA);
      assertEquals(d.value(), p.path("helpText").asText(), o.getKey() + ": helpText");
      assertFalse(p.path("label").asText().isBlank(), o.getKey() + ": label");
    }
  }

  @Test
  void regexesCompileAndAcceptTypicalValues() throws Exception {
    Map<String, String> typical =
        Map.of(
            "workspace", "gs://my-bucket/qdrant-loader",
            "onlyProject", "handbook",
            "sourceType", "localfile",
            "source", "notes",
            "force", "true");
    Map<String, JsonNode> params = parametersByName();
    assertEquals(params.keySet(), new TreeMap<>(typical).keySet(), "a typical value per parameter");
    for (Map.Entry<String, JsonNode> p : params.entrySet()) {
      for (JsonNode regex : p.getValue().path("regexes")) {
        assertTrue(
            Pattern.compile(regex.asText()).matcher(typical.get(p.getKey())).matches(),
            p.getKey() + ": " + regex.asText() + " accepts " + typical.get(p.getKey()));
      }
    }
    assertFalse(
        Pattern.compile(params.get("workspace").path("regexes").get(0).asText())
            .matcher("/home/me/workspace")
            .matches(),
        "a path on the launcher's disk is refused before launch");
  }
}
