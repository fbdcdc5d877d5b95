package dev.qdrantloader.io.qdrant;

import static dev.qdrantloader.io.qdrant.QdrantCollections.await;
import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ValueFactory.value;

import dev.qdrantloader.transforms.model.DocumentIds;
import io.qdrant.client.ConditionFactory;
import io.qdrant.client.PointIdFactory;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.JsonWithInt.Struct;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.NamedVectors;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The run history, kept beside the manifest in its companion collection (points with {@code kind =
 * run}): when each ingest started and ended, its status, what it covered and its counts per
 * outcome. A run that never ended (killed) stays {@code running}, one that stopped with an error is
 * {@code failed}; the next run sees either, sweeps orphans and marks it {@code interrupted} or
 * {@code failed, cleaned up}.
 */
public final class RunHistory {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED_DOCUMENTS = "finished with failures";
  public static final String FAILED = "failed";
  public static final String INTERRUPTED = "interrupted";
  public static final String FAILED_CLEANED = "failed, cleaned up";

  static final String KIND_RUN = "run";
  static final String RUN_ID = "run_id";
  static final String STARTED = "started_at";
  static final String ENDED = "ended_at";
  static final String STATUS = "status";
  static final String SCOPE = "scope";
  static final String COUNTS = "counts";

  private RunHistory() {}

  /**
   * One run as recorded.
   *
   * @param runId the run's id
   * @param startedAt RFC 3339 start
   * @param endedAt RFC 3339 end, empty while running
   * @param status one of the status constants
   * @param scope what the run covered, e.g. "all sources" or the filter
   * @param counts documents and points per outcome
   */
  public record Run(
      String runId,
      String startedAt,
      String endedAt,
      String status,
      String scope,
      Map<String, Long> counts) {
    public Run {
      counts = Map.copyOf(counts);
    }
  }

  /** Records a run as started (status {@code running}), durably. */
  public static void started(
      QdrantClient client, String collection, String runId, String startedAt, String scope) {
    write(client, collection, new Run(runId, startedAt, "", RUNNING, scope, Map.of()));
  }

  /** Records how a run ended, durably. */
  public static void ended(QdrantClient client, String collection, Run run) {
    write(client, collection, run);
  }

  /** Runs recorded, newest first. */
  public static List<Run> all(QdrantClient client, String collection) {
    Filter runs = Filter.newBuilder().addMust(matchKeyword(QdrantManifest.KIND, KIND_RUN)).build();
    List<Run> out = new ArrayList<>();
    QdrantCollections.scroll(
        client,
        QdrantManifest.collectionFor(collection),
        runs,
        WithPayloadSelectorFactory.enable(true),
        p -> out.add(run(p.getPayloadMap())));
    out.sort(Comparator.comparing(Run::startedAt).reversed());
    return out;
  }

  /**
   * Runs that may have left points no entry accounts for: those that never recorded an end (killed)
   * and those that stopped with an error, not yet cleaned up after.
   */
  public static List<Run> unfinished(QdrantClient client, String collection) {
    List<Run> out = new ArrayList<>();
    for (Run r : all(client, collection)) {
      if (RUNNING.equals(r.status()) || FAILED.equals(r.status())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Records that a later run cleaned up after these: a killed run becomes {@code interrupted}
   * (ended at {@code at}), a failed one {@code failed, cleaned up}.
   */
  public static void markCleanedUp(
      QdrantClient client, String collection, List<Run> runs, String at) {
    for (Run r : runs) {
      boolean killed = RUNNING.equals(r.status());
      write(
          client,
          collection,
          new Run(
              r.runId(),
              r.startedAt(),
              killed ? at : r.endedAt(),
              killed ? INTERRUPTED : FAILED_CLEANED,
              r.scope(),
              r.counts()));
    }
  }

  /**
   * After runs that did not finish: forgets the manifest entries of every document of {@code
   * scopes} that such a run wrote points for (its points carry the run's start as {@code
   * ingested_at}), so this run writes them again. Their points may be a mix of old and new content
   * that the entry does not describe (a crash between a document's upserts, its stale delete and
   * its entry), and the file may even be back as the entry recorded it. Nothing is deleted from the
   * collection here: search keeps finding the documents meanwhile.
   *
   * @return how many documents will be written again
   */
  public static int forgetDocumentsTouchedBy(
      QdrantClient client, String collection, List<Run> runs, List<SourceScope> scopes) {
    if (runs.isEmpty() || scopes.isEmpty()) {
      return 0;
    }
    List<String> starts = new ArrayList<>();
    for (Run r : runs) {
      starts.add(r.startedAt());
    }
    Filter.Builder f =
        Filter.newBuilder()
            .addMust(ConditionFactory.matchKeywords(PointPayloads.INGESTED_AT, starts));
    Filter.Builder anyScope = Filter.newBuilder();
    for (SourceScope s : scopes) {
      anyScope.addShould(ConditionFactory.filter(s.filter()));
    }
    f.addMust(ConditionFactory.filter(anyScope.build()));
    java.util.Set<String> documents = new java.util.TreeSet<>();
    QdrantCollections.scroll(
        client,
        collection,
        f.build(),
        QdrantCollections.DOCUMENT_ID_ONLY,
        p -> documents.add(p.getPayloadMap().get(PointPayloads.DOCUMENT_ID).getStringValue()));
    List<String> ids = new ArrayList<>(documents);
    for (int i = 0; i < ids.size(); i += 1_000) {
      QdrantManifest.delete(client, collection, ids.subList(i, Math.min(ids.size(), i + 1_000)));
    }
    return ids.size();
  }

  private static void write(QdrantClient client, String collection, Run run) {
    Struct.Builder counts = Struct.newBuilder();
    run.counts().forEach((k, v) -> counts.putFields(k, value(v)));
    PointStruct point =
        PointStruct.newBuilder()
            .setId(PointIdFactory.id(idOf(run.runId())))
            .setVectors(Vectors.newBuilder().setVectors(NamedVectors.getDefaultInstance()))
            .putPayload(QdrantManifest.KIND, value(KIND_RUN))
            .putPayload(RUN_ID, value(run.runId()))
            .putPayload(STARTED, value(run.startedAt()))
            .putPayload(ENDED, value(run.endedAt()))
            .putPayload(STATUS, value(run.status()))
            .putPayload(SCOPE, value(run.scope()))
            .putPayload(COUNTS, Value.newBuilder().setStructValue(counts).build())
            .build();
    await(
        client.upsertAsync(
            UpsertPoints.newBuilder()
                .setCollectionName(QdrantManifest.collectionFor(collection))
                .setWait(true)
                .addPoints(point)
                .build()));
  }

  private static Run run(Map<String, Value> p) {
    Map<String, Long> counts = new LinkedHashMap<>();
    Value c = p.get(COUNTS);
    if (c != null && c.hasStructValue()) {
      c.getStructValue().getFieldsMap().forEach((k, v) -> counts.put(k, v.getIntegerValue()));
    }
    return new Run(
        string(p, RUN_ID),
        string(p, STARTED),
        string(p, ENDED),
        string(p, STATUS),
        string(p, SCOPE),
        counts);
  }

  private static String string(Map<String, Value> p, String key) {
    Value v = p.get(key);
    return v == null ? "" : v.getStringValue();
  }

  static UUID idOf(String runId) {
    return DocumentIds.uuid5(DocumentIds.NAMESPACE, "run:" + runId);
  }
}
