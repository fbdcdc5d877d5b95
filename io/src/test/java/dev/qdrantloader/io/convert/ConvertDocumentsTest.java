package dev.qdrantloader.io.convert;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qdrantloader.transforms.model.Document;
import dev.qdrantloader.transforms.model.DocumentIds;
import dev.qdrantloader.transforms.model.Failure;
import dev.qdrantloader.transforms.model.SourceFile;
import java.time.Duration;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestPipelineExtension;
import org.apache.beam.sdk.transforms.Create;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConvertDocumentsTest {
  @RegisterExtension final TestPipelineExtension pipelineExtension = TestPipelineExtension.create();

  private static final ConversionLimits LIMITS = new ConversionLimits(1000, Duration.ofSeconds(60));

  @Test
  void goodFileBecomesDocumentAndBadFileBecomesFailure(TestPipeline pipeline) {
    byte[] markdown = "# Welcome\n\nHello there.\n".getBytes(UTF_8);
    SourceFile good = file("docs/welcome.md", markdown.length, markdown);
    SourceFile empty = file("docs/empty.txt", 0, new byte[0]);

    ConvertDocuments.Result result =
        pipeline
            .apply(Create.of(good, empty).withCoder(SerializableCoder.of(SourceFile.class)))
            .apply(ConvertDocuments.with(LIMITS));

    PAssert.that(result.documents())
        .containsInAnyOrder(
            new Document(
                good.documentId(),
                "proj",
                "localfile",
                "docs-source",
                "docs/welcome.md",
                "file:///base/docs/welcome.md",
                "Welcome",
                "text/markdown",
                Document.FORMAT_MARKDOWN,
                "# Welcome\n\nHello there.",
                DocumentIds.sha256Hex(markdown),
                1_700_000_000_000L));
    PAssert.that(result.failures())
        .containsInAnyOrder(
            new Failure("convert", "proj", "docs-source", "docs/empty.txt", "empty file"));
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    MetricQueryResults metrics = run.metrics().queryMetrics(MetricsFilter.builder().build());
    assertEquals(1L, counter(metrics, "documents_converted"));
    assertEquals(1L, counter(metrics, "documents_failed"));
    assertEquals(2L, distribution(metrics, "conversion_millis").getCount());
  }

  @Test
  void unreadAndOverSizeFilesFailWithoutConverting(TestPipeline pipeline) {
    SourceFile unread = file("big/listed-only.pdf", 500, null);
    SourceFile overSize = file("big/huge.txt", 5000, new byte[5000]);

    ConvertDocuments.Result result =
        pipeline
            .apply(Create.of(unread, overSize).withCoder(SerializableCoder.of(SourceFile.class)))
            .apply(ConvertDocuments.with(LIMITS));

    PAssert.that(result.documents()).empty();
    PAssert.that(result.failures())
        .containsInAnyOrder(
            new Failure(
                "convert",
                "proj",
                "docs-source",
                "big/listed-only.pdf",
                "file content was not read"),
            new Failure(
                "convert",
                "proj",
                "docs-source",
                "big/huge.txt",
                "file is 5000 bytes, over the limit of 1000 bytes"));
    PipelineResult run = pipeline.run();
    run.waitUntilFinish();

    MetricQueryResults metrics = run.metrics().queryMetrics(MetricsFilter.builder().build());
    assertEquals(2L, counter(metrics, "documents_failed"));
    assertEquals(0L, distribution(metrics, "conversion_millis").getCount());
  }

  @Test
  void limitsAreRequired() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConvertDocuments.with(null));

    assertEquals("limits must not be null", e.getMessage());
  }

  private static SourceFile file(String path, long size, byte[] bytes) {
    return new SourceFile(
        DocumentIds.documentId("proj", "localfile", "docs-source", path),
        "proj",
        "localfile",
        "docs-source",
        path,
        "file:///base/" + path,
        size,
        1_700_000_000_000L,
        bytes);
  }

  private static long counter(MetricQueryResults metrics, String name) {
    long total = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      if (matches(counter, name)) {
        total += counter.getAttempted();
      }
    }
    return total;
  }

  private static DistributionResult distribution(MetricQueryResults metrics, String name) {
    for (MetricResult<DistributionResult> distribution : metrics.getDistributions()) {
      if (matches(distribution, name)) {
        return distribution.getAttempted();
      }
    }
    return DistributionResult.IDENTITY_ELEMENT;
  }

  private static boolean matches(MetricResult<?> metric, String name) {
    return metric.getName().getNamespace().equals(ConvertDocuments.class.getName())
        && metric.getName().getName().equals(name);
  }
}
