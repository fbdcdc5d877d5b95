package dev.qdrantloader.io.localfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.SourceFile;
import dev.qdrantloader.transforms.resources.ResourceLimits;
import dev.qdrantloader.transforms.resources.ResourceMonitor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(TestPipelineExtension.class)
class ReadDocumentsTest {
  private static final ReadDocuments.Intake INTAKE =
      new ReadDocuments.Intake("read-documents-test", ResourceLimits.defaults());

  @TempDir Path base;

  private void write(String relative, String content) throws Exception {
    Path p = base.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
  }

  /** 0: a random key per listed file (cluster runners); 3: three keys (as on the DirectRunner). */
  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void listsFilteredFilesReadsThemAndReportsTheOnesItCannotRead(
      int spreadBuckets, TestPipeline pipeline) throws Exception {
    write("README.md", "# Readme");
    write("docs/guide.md", "# Guide");
    write("docs/notes.txt", "notes");
    write("docs/archive/old.md", "# Old");
    write("docs/big.md", "x".repeat(2000));
    write("src/Main.java", "class Main {}");
    write(".git/config", "[core]");
    write("docs/.hidden.md", "# hidden");

    LocalFileSpec spec =
        new LocalFileSpec(
            "proj",
            "local-docs",
            "file://" + base,
            List.of("docs/**", "README.md"),
            List.of("docs/archive/**"),
            List.of("*.md", "*.txt"),
            1000);
    ReadDocuments.Result result =
        pipeline.apply(ReadDocuments.from(List.of(spec)).withSpreadBuckets(spreadBuckets));

    PAssert.that(result.files())
        .satisfies(
            files -> {
              List<String> paths =
                  StreamSupport.stream(files.spliterator(), false)
                      .map(SourceFile::path)
                      .sorted()
                      .collect(Collectors.toList());
              // hidden directories are skipped, hidden files are not
              assertEquals(
                  List.of("README.md", "docs/.hidden.md", "docs/guide.md", "docs/notes.txt"),
                  paths);
              for (SourceFile f : files) {
                assertEquals(
                    DocumentIds.documentId("proj", "localfile", "local-docs", f.path()),
                    f.documentId());
                assertEquals("proj", f.projectId());
                assertTrue(f.url().startsWith("file://"), f.url());
                assertTrue(f.lastModifiedMillis() > 0, "modified time of " + f.path());
                assertEquals(f.sizeBytes(), f.bytes().length);
              }
              return null;
            });
    PAssert.that(result.failures())
        .satisfies(
            failures -> {
              List<Failure> list =
                  StreamSupport.stream(failures.spliterator(), false)
                      .sorted((a, b) -> a.path().compareTo(b.path()))
                      .collect(Collectors.toList());
              assertEquals(1, list.size(), list.toString());
              assertEquals("docs/big.md", list.get(0).path());
              assertTrue(
                  list.get(0)
                      .reason()
                      .contains("2000 bytes, over the source's max_file_size of 1000"),
                  list.get(0).reason());
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /** Counters of the monitor, as a run's summary reads them (absent: 0). */
  private static Map<String, Long> monitorCounters(PipelineResult result) {
    Map<String, Long> out = new HashMap<>();
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(ResourceMonitor.class))
                    .build())
            .getCounters()) {
      out.merge(c.getName().getName(), c.getCommitted(), Long::sum);
    }
    return out;
  }

  @Test
  void aForcedLowHeapLimitSlowsEveryReadWarnsOnceAndDropsNothing(TestPipeline pipeline)
      throws Exception {
    for (int i = 0; i < 4; i++) {
      write("docs/page-" + i + ".md", "# Page " + i);
    }
    write("docs/big.md", "x".repeat(2000));
    LocalFileSpec spec =
        new LocalFileSpec("proj", "s", base.toString(), List.of(), List.of(), List.of(), 1000);
    // Any JVM holds more than 0.01% of its heap after a collection.
    ResourceLimits tiny =
        new ResourceLimits(0.0001, 1.0, Duration.ofMillis(20), Duration.ofMillis(150));

    ReadDocuments.Result result =
        pipeline.apply(
            ReadDocuments.from(List.of(spec)).withSpreadBuckets(2).withResourceLimits(tiny));

    PAssert.that(
            result
                .files()
                .apply("ReadPaths", MapElements.into(TypeDescriptors.strings()).via(f -> f.path())))
        .containsInAnyOrder("docs/page-0.md", "docs/page-1.md", "docs/page-2.md", "docs/page-3.md");
    PAssert.that(
            result
                .failures()
                .apply(
                    "FailedPaths", MapElements.into(TypeDescriptors.strings()).via(f -> f.path())))
        .containsInAnyOrder("docs/big.md");
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    Map<String, Long> c = monitorCounters(run);
    // the file over its size limit is refused without waiting
    assertEquals(4L, c.get("throttles"), c.toString());
    assertTrue(c.get("throttled_millis") >= 4 * 150 * 8 / 10, c.toString());
    assertEquals(1L, c.get("heap_warnings"), c.toString());
    assertEquals(0L, c.getOrDefault("cpu_warnings", 0L), c.toString());
  }

  @Test
  void underTheDefaultLimitsNothingWaits(TestPipeline pipeline) throws Exception {
    for (int i = 0; i < 4; i++) {
      write("docs/page-" + i + ".md", "# Page " + i);
    }
    LocalFileSpec spec =
        new LocalFileSpec("proj", "s", base.toString(), List.of(), List.of(), List.of(), 1000);

    ReadDocuments.Result result = pipeline.apply(ReadDocuments.from(List.of(spec)));

    PAssert.that(result.files().apply(Count.globally())).containsInAnyOrder(4L);
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    Map<String, Long> c = monitorCounters(run);
    assertEquals(0L, c.getOrDefault("throttles", 0L), c.toString());
    assertEquals(0L, c.getOrDefault("heap_warnings", 0L), c.toString());
  }

  @Test
  void aListedFileThatCannotBeReadIsReportedAndTheOthersAreRead(TestPipeline pipeline)
      throws Exception {
    write("docs/ok.md", "# Fine");
    Path locked = base.resolve("docs/locked.md");
    Files.writeString(locked, "# Locked");
    LocalFileSpec spec =
        new LocalFileSpec("proj", "s", base.toString(), List.of(), List.of(), List.of(), 1000);
    // Listed, then unreadable: a file removed after listing (and, when not running as root, a
    // file without read permission). Root reads any file, so removal is the portable case.
    List<org.apache.beam.sdk.io.fs.MatchResult.Metadata> listed = new java.util.ArrayList<>();
    for (String name : List.of("docs/ok.md", "docs/locked.md", "docs/vanished.md")) {
      Path p = base.resolve(name);
      listed.add(
          org.apache.beam.sdk.io.fs.MatchResult.Metadata.builder()
              .setResourceId(
                  org.apache.beam.sdk.io.FileSystems.matchNewResource(p.toString(), false))
              .setSizeBytes(Files.exists(p) ? Files.size(p) : 10)
              .setIsReadSeekEfficient(true)
              .setLastModifiedMillis(1)
              .build());
    }
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      locked.toFile().setReadable(false);
    }
    org.apache.beam.sdk.values.PCollectionTuple out =
        pipeline
            .apply(org.apache.beam.sdk.transforms.Create.of(listed))
            .apply(
                org.apache.beam.sdk.transforms.ParDo.of(
                        new ReadDocuments.ReadFn(spec, null, INTAKE))
                    .withOutputTags(
                        ReadDocuments.FILES,
                        org.apache.beam.sdk.values.TupleTagList.of(ReadDocuments.FAILED)));
    out.get(ReadDocuments.FILES)
        .setCoder(org.apache.beam.sdk.coders.SerializableCoder.of(SourceFile.class));
    out.get(ReadDocuments.FAILED)
        .setCoder(org.apache.beam.sdk.coders.SerializableCoder.of(Failure.class));
    PAssert.that(out.get(ReadDocuments.FAILED))
        .satisfies(
            failures -> {
              List<String> paths =
                  StreamSupport.stream(failures.spliterator(), false)
                      .peek(
                          f ->
                              assertTrue(f.reason().startsWith("cannot read the file"), f.reason()))
                      .map(Failure::path)
                      .sorted()
                      .collect(Collectors.toList());
              assertEquals(
                  root
                      ? List.of("docs/vanished.md")
                      : List.of("docs/locked.md", "docs/vanished.md"),
                  paths);
              return null;
            });
    PAssert.that(out.get(ReadDocuments.FILES))
        .satisfies(
            files -> {
              List<String> paths =
                  StreamSupport.stream(files.spliterator(), false)
                      .map(SourceFile::path)
                      .sorted()
                      .collect(Collectors.toList());
              assertEquals(
                  root ? List.of("docs/locked.md", "docs/ok.md") : List.of("docs/ok.md"), paths);
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  void documentIdsAreStableAcrossRunsAndMachines() {
    assertEquals(
        DocumentIds.documentId("p", "localfile", "docs", "a/b.md"),
        DocumentIds.documentId("p", "LocalFile", "docs", "./a//b.md"));
    assertNotEquals(
        DocumentIds.documentId("p", "localfile", "docs", "a/b.md"),
        DocumentIds.documentId("q", "localfile", "docs", "a/b.md"));
    // Golden values, equal to Python's uuid.uuid5 with our namespace: ids must never change
    // between releases, or every point would be written again under a new id.
    assertEquals(
        "6270ee3c-9559-5dfd-b495-1147f6d87dba",
        DocumentIds.documentId("p", "localfile", "docs", "a/b.md"));
    assertEquals(
        "134ac8ab-c097-5049-8f85-1622714b8627",
        DocumentIds.pointId(
            "6270ee3c-9559-5dfd-b495-1147f6d87dba", 3, DocumentIds.sha256Hex("text")));
  }
}
