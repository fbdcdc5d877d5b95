package dev.qdrantloader.runners.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest --runner spark} on Spark local (in this JVM) writes what the DirectRunner writes:
 * the same point ids, payloads, vectors and manifest entries, and the same summary figures, for a
 * first run, an unchanged re-run and a run after edits and deletions. Every bit of state lives in
 * the workspace's Qdrant, so the two workspaces only share their files' contents.
 */
class SparkLocalEquivalenceTest {
  @TempDir Path tmp;

  @Test
  void sparkLocalWritesTheSamePointsAndManifestAsTheDirectRunner() throws Exception {
    Map<String, String> a = EquivalenceWorkspace.stateA();
    Path direct = EquivalenceWorkspace.create(tmp.resolve("direct"), a);
    Path spark = EquivalenceWorkspace.create(tmp.resolve("spark"), a);

    CliEndToEndTest.Run d = CliEndToEndTest.cli(direct, "ingest");
    assertEquals(0, d.code(), d.out() + d.err());
    CliEndToEndTest.Run s = sparkIngest(spark);
    assertTrue(s.out().contains("Running the pipeline on spark (local[2])"), s.out());
    assertTrue(s.out().contains(a.size() + " listed: " + a.size() + " new"), s.out());
    EquivalenceWorkspace.assertSameRun(direct, spark, "first run");
    CollectionSnapshot expected = CollectionSnapshot.of(direct, EquivalenceWorkspace.COLLECTION);
    CollectionSnapshot got = CollectionSnapshot.of(spark, EquivalenceWorkspace.COLLECTION);
    CollectionSnapshot.assertSame(expected, got, "spark local, first run");
    CollectionSnapshot.assertInvariants(got, "spark local, first run");

    // Nothing changed: the up-to-date check answers before any pipeline runs.
    CliEndToEndTest.Run again = sparkIngest(spark);
    assertTrue(
        again.out().contains("0 new, 0 changed, " + a.size() + " unchanged, 0 deleted"),
        again.out());
    assertEquals(0L, EquivalenceWorkspace.lastSummary(spark).get("points_written"), again.out());

    // Two files edited, two deleted, one added: the same change on both runners.
    Map<String, String> b = EquivalenceWorkspace.stateB(a);
    EquivalenceWorkspace.sync(direct, b);
    EquivalenceWorkspace.sync(spark, b);
    d = CliEndToEndTest.cli(direct, "ingest");
    assertEquals(0, d.code(), d.out() + d.err());
    s = sparkIngest(spark);
    assertTrue(s.out().contains("2 changed"), s.out());
    assertTrue(s.out().contains("2 deleted"), s.out());
    EquivalenceWorkspace.assertSameRun(direct, spark, "after edits");
    got = CollectionSnapshot.of(spark, EquivalenceWorkspace.COLLECTION);
    CollectionSnapshot.assertSame(
        CollectionSnapshot.of(direct, EquivalenceWorkspace.COLLECTION), got, "after edits");
    CollectionSnapshot.assertInvariants(got, "spark local, after edits");
  }

  private static CliEndToEndTest.Run sparkIngest(Path ws) {
    CliEndToEndTest.Run r =
        CliEndToEndTest.cli(ws, "ingest", "--runner", "spark", "--spark-master", "local[2]");
    assertEquals(0, r.code(), r.out() + r.err());
    return r;
  }
}
