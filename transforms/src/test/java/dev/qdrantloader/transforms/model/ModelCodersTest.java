package dev.qdrantloader.transforms.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ModelCodersTest {
  static final Chunk CHUNK =
      new Chunk(
          "doc",
          "proj",
          "localfile",
          "src",
          "a/ü.md",
          "file:///a/ü.md",
          null,
          null,
          2,
          5,
          "text with ünïcödé and 🚀",
          List.of("Top", "Sub"),
          "hash",
          "chunkhash",
          17,
          1234L);

  @Test
  void everyModelTypeSurvivesEncodingIncludingNullsAndUnicode() throws Exception {
    CoderProperties.coderDecodeEncodeEqual(ModelCoders.chunks(), CHUNK);
    CoderProperties.coderDecodeEncodeEqual(
        ModelCoders.documents(),
        new Document(
            "doc", "proj", "localfile", "src", "p", "u", null, null, "markdown", "# T", "h", 0));
    CoderProperties.coderDecodeEncodeEqual(
        ModelCoders.failures(), new Failure("convert", "p", "s", "x.pdf", "encrypted PDF"));
    CoderProperties.coderDecodeEncodeEqual(
        ModelCoders.embeddedChunks(),
        new EmbeddedChunk(CHUNK, new float[] {1.5f, -0f, Float.MIN_VALUE}));

    SourceFile f =
        new SourceFile(
            "doc", "p", "localfile", "s", "a.bin", "file:///a.bin", 3, 9, new byte[] {0, 1, 2});
    SourceFile back =
        CoderUtils.decodeFromByteArray(
            ModelCoders.sourceFiles(), CoderUtils.encodeToByteArray(ModelCoders.sourceFiles(), f));
    assertArrayEquals(f.bytes(), back.bytes());
    assertEquals(f.path(), back.path());
    assertEquals(f.lastModifiedMillis(), back.lastModifiedMillis());

    ManifestEntry entry =
        new ManifestEntry(
            "doc", "p", "localfile", "s", "ä/b.md", "ab12", 3, 9, List.of("h1", "h2"), "t");
    CoderProperties.coderDecodeEncodeEqual(ModelCoders.manifestEntries(), entry);
    ChangedFile changed =
        CoderUtils.decodeFromByteArray(
            ModelCoders.changedFiles(),
            CoderUtils.encodeToByteArray(ModelCoders.changedFiles(), new ChangedFile(f, entry)));
    assertArrayEquals(f.bytes(), changed.current().bytes());
    assertEquals(entry, changed.previous());
  }
}
