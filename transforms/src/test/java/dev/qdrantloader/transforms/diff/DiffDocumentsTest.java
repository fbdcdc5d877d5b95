package dev.qdrantloader.transforms.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qdrantloader.transforms.model.ChangedFile;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.ManifestEntry;
import dev.qdrantloader.transforms.model.ModelCoders;
import dev.qdrantloader.transforms.model.SourceFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestPipelineExtension.class)
class DiffDocumentsTest {
  static SourceFile file(String path, String content) {
    return file(path, content, 1_000L);
  }

  /** A listed file modified at {@code modified}; entries record 1,000. */
  static SourceFile file(String path, String content, long modified) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new SourceFile(
        DocumentIds.documentId("p", "localfile", "docs", path),
        "p",
        "localfile",
        "docs",
        path,
        "file:///docs/" + path,
        bytes.length,
        modified,
        bytes);
  }

  static ManifestEntry entry(String path, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return new ManifestEntry(
        DocumentIds.documentId("p", "localfile", "docs", path),
        "p",
        "localfile",
        "docs",
        path,
        DocumentIds.sha256Hex(bytes),
        bytes.length,
        1_000L,
        List.of(DocumentIds.sha256Hex(content)),
        "2026-11-21T00:00:00Z");
  }

  @Test
  void classifiesEveryListedFileAndEveryEntryExactlyOnce(TestPipeline pipeline) {
    List<SourceFile> listed =
        List.of(
            file("same.md", "# Same\nunchanged text"),
            file("edited.md", "# Edited\nnew paragraph", 2_000L),
            file("added.md", "# Added"),
            file("touched.md", "# Touched\nsame bytes, newer mtime", 2_000L));
    List<ManifestEntry> held =
        List.of(
            entry("same.md", "# Same\nunchanged text"),
            entry("edited.md", "# Edited\nold paragraph"),
            entry("removed.md", "# Removed"),
            entry("touched.md", "# Touched\nsame bytes, newer mtime"));

    DiffDocuments.Result diff =
        pipeline
            .apply("Listed", Create.of(listed).withCoder(ModelCoders.sourceFiles()))
            .apply(
                DiffDocuments.against(
                    pipeline.apply(
                        "Manifest", Create.of(held).withCoder(ModelCoders.manifestEntries()))));

    PAssert.that(diff.newFiles().apply("NewPaths", paths(SourceFile::path)))
        .containsInAnyOrder("added.md");
    PAssert.that(
            diff.changed()
                .apply(
                    "ChangedPaths",
                    MapElements.into(TypeDescriptors.strings())
                        .via(
                            (ChangedFile c) ->
                                c.current().path()
                                    + " was "
                                    + c.previous().chunkHashes().get(0).substring(0, 8))))
        .containsInAnyOrder(
            "edited.md was " + DocumentIds.sha256Hex("# Edited\nold paragraph").substring(0, 8));
    PAssert.that(diff.unchanged().apply("UnchangedPaths", paths(ManifestEntry::path)))
        .containsInAnyOrder("same.md", "touched.md");
    PAssert.that(diff.deleted().apply("DeletedPaths", paths(ManifestEntry::path)))
        .containsInAnyOrder("removed.md");
    PAssert.that(
            diff.touched()
                .apply(
                    "TouchedPaths",
                    MapElements.into(TypeDescriptors.strings())
                        .via(e -> e.path() + " at " + e.lastModifiedMillis())))
        .containsInAnyOrder("touched.md at 2000");

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    Map<String, Long> counters = new TreeMap<>();
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(DiffDocuments.class))
                    .build())
            .getCounters()) {
      counters.merge(c.getName().getName(), c.getCommitted(), Long::sum);
    }
    assertEquals(
        Map.of(
            "documents_changed", 1L,
            "documents_deleted", 1L,
            "documents_new", 1L,
            "documents_touched", 1L,
            "documents_unchanged", 2L),
        counters);
  }

  @Test
  void aNewFileWithTheBytesOfAVanishedOneIsAMove(TestPipeline pipeline) {
    List<SourceFile> listed =
        List.of(file("renamed.md", "# Page\nbody"), file("copy-of-other.md", "# Other"));
    List<ManifestEntry> held =
        List.of(
            entry("page.md", "# Page\nbody"),
            entry("other.md", "# Other"),
            entry("gone.md", "# Gone"));
    DiffDocuments.Result diff =
        pipeline
            .apply("Listed", Create.of(listed).withCoder(ModelCoders.sourceFiles()))
            .apply(
                DiffDocuments.against(
                    pipeline.apply(
                        "Manifest", Create.of(held).withCoder(ModelCoders.manifestEntries()))));
    PAssert.that(
            diff.moves()
                .apply(
                    "MovePaths",
                    MapElements.into(TypeDescriptors.strings())
                        .via(kv -> kv.getKey() + " from " + kv.getValue().path())))
        .containsInAnyOrder(
            DocumentIds.documentId("p", "localfile", "docs", "renamed.md") + " from page.md",
            DocumentIds.documentId("p", "localfile", "docs", "copy-of-other.md")
                + " from other.md");
    PAssert.that(diff.newFiles().apply("NewPaths", paths(SourceFile::path)))
        .containsInAnyOrder("renamed.md", "copy-of-other.md");
    PAssert.that(diff.deleted().apply("DeletedPaths", paths(ManifestEntry::path)))
        .containsInAnyOrder("page.md", "other.md", "gone.md");
    pipeline.run().waitUntilFinish();
  }

  @Test
  void withForceUnchangedFilesComeOutAsChanged(TestPipeline pipeline) {
    List<SourceFile> listed = List.of(file("same.md", "# Same"), file("added.md", "# Added"));
    List<ManifestEntry> held = List.of(entry("same.md", "# Same"), entry("gone.md", "# Gone"));
    DiffDocuments.Result diff =
        pipeline
            .apply("Listed", Create.of(listed).withCoder(ModelCoders.sourceFiles()))
            .apply(
                DiffDocuments.against(
                        pipeline.apply(
                            "Manifest", Create.of(held).withCoder(ModelCoders.manifestEntries())))
                    .withForce(true));
    PAssert.that(
            diff.changed()
                .apply(
                    "ChangedPaths",
                    MapElements.into(TypeDescriptors.strings()).via(c -> c.current().path())))
        .containsInAnyOrder("same.md");
    PAssert.that(diff.unchanged()).empty();
    PAssert.that(diff.newFiles().apply("NewPaths", paths(SourceFile::path)))
        .containsInAnyOrder("added.md");
    PAssert.that(diff.deleted().apply("DeletedPaths", paths(ManifestEntry::path)))
        .containsInAnyOrder("gone.md");
    pipeline.run().waitUntilFinish();
  }

  @Test
  void anEqualSizeAndTimeIsTrustedWithoutReadingTheBytes(TestPipeline pipeline) {
    // the cheap fingerprint: an edit that keeps the size and the modification time to the
    // millisecond is not seen (documented; `ingest --force` rewrites everything)
    SourceFile sameListing = file("same.md", "# Same\nB", 1_000L);
    SourceFile unknownTime = file("unknown.md", "# Unknown\nB", 0L);
    List<ManifestEntry> held =
        List.of(
            entry("same.md", "# Same\nA"),
            new ManifestEntry(
                unknownTime.documentId(),
                "p",
                "localfile",
                "docs",
                "unknown.md",
                DocumentIds.sha256Hex("# Unknown\nA".getBytes(StandardCharsets.UTF_8)),
                unknownTime.sizeBytes(),
                0L,
                List.of(),
                "t"));
    DiffDocuments.Result diff =
        pipeline
            .apply(
                "Listed",
                Create.of(List.of(sameListing, unknownTime)).withCoder(ModelCoders.sourceFiles()))
            .apply(
                DiffDocuments.against(
                    pipeline.apply(
                        "Manifest", Create.of(held).withCoder(ModelCoders.manifestEntries()))));
    PAssert.that(diff.unchanged().apply("UnchangedPaths", paths(ManifestEntry::path)))
        .containsInAnyOrder("same.md");
    // without a known time, the hash decides
    PAssert.that(
            diff.changed()
                .apply(
                    "ChangedPaths",
                    MapElements.into(TypeDescriptors.strings()).via(c -> c.current().path())))
        .containsInAnyOrder("unknown.md");
    pipeline.run().waitUntilFinish();
  }

  private static <T> MapElements<T, String> paths(
      org.apache.beam.sdk.transforms.SerializableFunction<T, String> path) {
    return MapElements.into(TypeDescriptors.strings()).via(path);
  }
}
