package dev.qdrantloader.io.qdrant.local;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.HnswConfigDiff;
import io.qdrant.client.grpc.Collections.OptimizerStatus;
import io.qdrant.client.grpc.Collections.OptimizersConfigDiff;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.WalConfigDiff;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.ClearPayloadPoints;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeleteFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePayloadPoints;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.NamedVectors;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpdateMode;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One collection: its configuration, its points and payload indexes, and (when persistent) its log.
 * Writes are validated first, then logged, then applied, all under the write lock, so the log order
 * is the apply order and replay reproduces the state exactly. Reads share a read lock.
 */
final class LocalCollection {
  static final byte OP_UPSERT = 1;
  static final byte OP_DELETE = 2;
  static final byte OP_SET_PAYLOAD = 3;
  static final byte OP_OVERWRITE_PAYLOAD = 4;
  static final byte OP_DELETE_PAYLOAD = 5;
  static final byte OP_CLEAR_PAYLOAD = 6;
  static final byte OP_CREATE_INDEX = 7;
  static final byte OP_DELETE_INDEX = 8;
  static final byte SNAP_POINT = 20;
  static final byte SNAP_END = 99;

  final String name;
  final CreateCollection definition;
  final List<String> vectorNames;
  final boolean unnamed;
  private final int[] dims;
  private final Distance[] distances;

  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<PointKey, StoredPoint> points = new TreeMap<>();
  private final LinkedHashMap<String, FieldIndex> indexes = new LinkedHashMap<>();
  private final VectorColumn[] columns;
  private volatile CollectionStore store; // null in memory mode
  private volatile boolean dropped;

  LocalCollection(String name, CreateCollection definition) {
    this.name = name;
    this.definition = definition;
    List<String> names = new ArrayList<>();
    List<VectorParams> params = new ArrayList<>();
    if (definition.getVectorsConfig().hasParamsMap()) {
      new TreeMap<>(definition.getVectorsConfig().getParamsMap().getMapMap())
          .forEach(
              (k, v) -> {
                names.add(k);
                params.add(v);
              });
      unnamed = false;
    } else {
      names.add("");
      params.add(definition.getVectorsConfig().getParams());
      unnamed = true;
    }
    this.vectorNames = Collections.unmodifiableList(names);
    this.dims = new int[names.size()];
    this.distances = new Distance[names.size()];
    this.columns = new VectorColumn[names.size()];
    for (int i = 0; i < names.size(); i++) {
      dims[i] = (int) params.get(i).getSize();
      distances[i] = params.get(i).getDistance();
      columns[i] = new VectorColumn(dims[i]);
    }
  }

  // The three ways the point set changes; each keeps the id map and the vector columns in step.

  private void putPoint(StoredPoint p) {
    points.put(p.key, p);
    for (int i = 0; i < columns.length; i++) {
      if (p.vectors[i] != null) {
        columns[i].put(p, p.vectors[i]);
      } else {
        columns[i].remove(p.key);
      }
    }
  }

  private void removePoint(PointKey k) {
    if (points.remove(k) != null) {
      for (VectorColumn c : columns) {
        c.remove(k);
      }
    }
  }

  private void replacePayload(StoredPoint p, Map<String, Value> payload) {
    StoredPoint updated = p.withPayload(payload);
    points.put(p.key, updated);
    for (VectorColumn c : columns) {
      c.updateOwner(updated);
    }
  }

  /** Validates a create request; a message names what is wrong, as Qdrant's does. */
  static void validateDefinition(CreateCollection c) {
    if (!c.hasVectorsConfig()
        || (!c.getVectorsConfig().hasParams() && !c.getVectorsConfig().hasParamsMap())) {
      if (c.hasSparseVectorsConfig()) {
        throw QdrantErrors.unimplemented("sparse vectors");
      }
      throw QdrantErrors.invalid("Wrong input: vectors_config is required");
    }
    Map<String, VectorParams> all =
        c.getVectorsConfig().hasParams()
            ? Map.of("", c.getVectorsConfig().getParams())
            : c.getVectorsConfig().getParamsMap().getMapMap();
    if (all.isEmpty() && !c.getVectorsConfig().hasParamsMap()) {
      throw QdrantErrors.invalid("Wrong input: at least one vector must be configured");
    }
    // An empty named-vectors map is a payload-only collection, as in Qdrant ("vectors": {}):
    // points carry no vectors, and searching it names the missing vector.
    for (Map.Entry<String, VectorParams> e : all.entrySet()) {
      VectorParams p = e.getValue();
      String label = e.getKey().isEmpty() ? "vector" : "vector `" + e.getKey() + "`";
      if (p.getSize() < 1 || p.getSize() > 65536) {
        throw QdrantErrors.invalid(
            "Validation error in JSON body: [vectors.size: value "
                + p.getSize()
                + " invalid, must be from 1 to 65536] ("
                + label
                + ")");
      }
      if (p.getDistance() == Distance.UnknownDistance || p.getDistance() == Distance.UNRECOGNIZED) {
        throw QdrantErrors.invalid("Wrong input: unknown distance for " + label);
      }
      if (p.hasMultivectorConfig()) {
        throw QdrantErrors.unimplemented("multivectors");
      }
    }
  }

  void attach(CollectionStore s) {
    this.store = s;
  }

  CollectionStore store() {
    return store;
  }

  void markDropped() {
    dropped = true;
  }

  boolean isDropped() {
    return dropped;
  }

  // ---------------------------------------------------------------- writes

  /** The result of a write: where its log record ends, so the caller can wait for durability. */
  static final class WriteTicket {
    final RecordLog log;
    final long position;

    WriteTicket(RecordLog log, long position) {
      this.log = log;
      this.position = position;
    }

    void awaitDurable() {
      if (log != null) {
        log.sync(position);
      }
    }
  }

  private WriteTicket log(byte op, MessageLite request) {
    CollectionStore s = store;
    if (s == null) {
      return new WriteTicket(null, 0);
    }
    RecordLog wal = s.wal();
    return new WriteTicket(wal, wal.append(op, request));
  }

  private void checkLive() {
    if (dropped) {
      throw QdrantErrors.collectionNotFound(name);
    }
  }

  /**
   * The shape of every write: under the write lock, {@code plan} validates the request (and may
   * refuse it) and returns the change; only then is the request logged and the change applied.
   */
  private WriteTicket write(byte op, MessageLite request, Supplier<Runnable> plan) {
    lock.writeLock().lock();
    try {
      checkLive();
      Runnable change = plan.get();
      WriteTicket t = log(op, request);
      change.run();
      return t;
    } finally {
      lock.writeLock().unlock();
    }
  }

  WriteTicket upsert(UpsertPoints req) {
    // Decoding, validating and normalising depend only on the fixed configuration: done before
    // taking the lock, so concurrent writers overlap this work.
    List<StoredPoint> prepared = preparePoints(req.getPointsList());
    return write(
        OP_UPSERT,
        req,
        () -> {
          FilterMatcher updateFilter =
              req.hasUpdateFilter()
                  ? new FilterMatcher(req.getUpdateFilter(), indexes, vectorNames)
                  : null;
          return () ->
              applyUpsert(
                  prepared,
                  req.hasUpdateMode() ? req.getUpdateMode() : UpdateMode.Upsert,
                  updateFilter);
        });
  }

  private List<StoredPoint> preparePoints(List<PointStruct> structs) {
    List<StoredPoint> out = new ArrayList<>(structs.size());
    for (PointStruct p : structs) {
      if (!p.hasId()) {
        throw QdrantErrors.invalid("Wrong input: point without an id");
      }
      PointKey key = PointKey.of(p.getId());
      out.add(
          new StoredPoint(
              key,
              prepareVectors(p),
              Collections.unmodifiableMap(new LinkedHashMap<>(p.getPayloadMap()))));
    }
    return out;
  }

  private float[][] prepareVectors(PointStruct p) {
    float[][] out = new float[vectorNames.size()][];
    if (!p.hasVectors()) {
      return out;
    }
    io.qdrant.client.grpc.Points.Vectors v = p.getVectors();
    if (v.hasVector()) {
      if (!unnamed) {
        throw QdrantErrors.invalid("Wrong input: Not existing vector name error: ");
      }
      out[0] = checkedVector(0, Vectors.dense(v.getVector(), ""));
    } else if (v.hasVectors()) {
      NamedVectors named = v.getVectors();
      for (Map.Entry<String, Vector> e : named.getVectorsMap().entrySet()) {
        int slot = vectorNames.indexOf(e.getKey());
        if (slot < 0) {
          throw QdrantErrors.invalid("Wrong input: Not existing vector name error: " + e.getKey());
        }
        out[slot] = checkedVector(slot, Vectors.dense(e.getValue(), e.getKey()));
      }
    }
    return out;
  }

  private float[] checkedVector(int slot, float[] v) {
    if (v.length != dims[slot]) {
      throw QdrantErrors.invalid(
          "Wrong input: Vector dimension error: expected dim: " + dims[slot] + ", got " + v.length);
    }
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw QdrantErrors.invalid("Wrong input: vector contains NaN or infinite values");
      }
    }
    return distances[slot] == Distance.Cosine ? VectorMath.normalized(v) : v;
  }

  private void applyUpsert(
      List<StoredPoint> prepared, UpdateMode mode, FilterMatcher updateFilter) {
    for (StoredPoint p : prepared) {
      StoredPoint existing = points.get(p.key);
      if (existing == null) {
        if (mode != UpdateMode.UpdateOnly) {
          putPoint(p);
        }
      } else if (mode != UpdateMode.InsertOnly
          && (updateFilter == null || updateFilter.matches(existing))) {
        putPoint(p);
      }
    }
  }

  WriteTicket delete(DeletePoints req) {
    return write(
        OP_DELETE,
        req,
        () -> {
          List<PointKey> keys = select(req.getPoints());
          return () -> keys.forEach(this::removePoint);
        });
  }

  /** Replaces the payload of each selected point that still exists with {@code change(payload)}. */
  private Runnable rewritePayloads(List<PointKey> keys, UnaryOperator<Map<String, Value>> change) {
    return () -> {
      for (PointKey k : keys) {
        StoredPoint p = points.get(k);
        if (p != null) {
          replacePayload(p, change.apply(p.payload));
        }
      }
    };
  }

  private static PointsSelector requiredSelector(boolean present, PointsSelector selector) {
    if (!present) {
      throw QdrantErrors.invalid("Wrong input: points_selector is required");
    }
    return selector;
  }

  WriteTicket setPayload(SetPayloadPoints req, boolean overwrite) {
    return write(
        overwrite ? OP_OVERWRITE_PAYLOAD : OP_SET_PAYLOAD,
        req,
        () -> {
          List<PointKey> keys =
              select(requiredSelector(req.hasPointsSelector(), req.getPointsSelector()));
          String key = req.hasKey() ? req.getKey() : null;
          return rewritePayloads(
              keys,
              payload -> {
                Map<String, Value> base = payload;
                if (overwrite) {
                  base = key == null ? Collections.emptyMap() : Payloads.delete(payload, key);
                }
                return Payloads.merge(base, key, req.getPayloadMap());
              });
        });
  }

  WriteTicket deletePayload(DeletePayloadPoints req) {
    return write(
        OP_DELETE_PAYLOAD,
        req,
        () ->
            rewritePayloads(
                select(requiredSelector(req.hasPointsSelector(), req.getPointsSelector())),
                payload -> {
                  for (String field : req.getKeysList()) {
                    payload = Payloads.delete(payload, field);
                  }
                  return payload;
                }));
  }

  WriteTicket clearPayload(ClearPayloadPoints req) {
    return write(
        OP_CLEAR_PAYLOAD,
        req,
        () -> rewritePayloads(select(req.getPoints()), payload -> Collections.emptyMap()));
  }

  WriteTicket createIndex(CreateFieldIndexCollection req) {
    return write(
        OP_CREATE_INDEX,
        req,
        () -> {
          if (req.getFieldName().isEmpty()) {
            throw QdrantErrors.invalid("Wrong input: field_name is required");
          }
          FieldIndex index = toIndex(req);
          return () -> indexes.put(index.field, index);
        });
  }

  private static FieldIndex toIndex(CreateFieldIndexCollection req) {
    PayloadSchemaType type;
    if (req.hasFieldType()) {
      type = FieldIndex.schemaType(req.getFieldType());
    } else if (req.hasFieldIndexParams()) {
      switch (req.getFieldIndexParams().getIndexParamsCase()) {
        case KEYWORD_INDEX_PARAMS:
          type = PayloadSchemaType.Keyword;
          break;
        case INTEGER_INDEX_PARAMS:
          type = PayloadSchemaType.Integer;
          break;
        case FLOAT_INDEX_PARAMS:
          type = PayloadSchemaType.Float;
          break;
        case GEO_INDEX_PARAMS:
          type = PayloadSchemaType.Geo;
          break;
        case TEXT_INDEX_PARAMS:
          type = PayloadSchemaType.Text;
          break;
        case BOOL_INDEX_PARAMS:
          type = PayloadSchemaType.Bool;
          break;
        case DATETIME_INDEX_PARAMS:
          type = PayloadSchemaType.Datetime;
          break;
        case UUID_INDEX_PARAMS:
          type = PayloadSchemaType.Uuid;
          break;
        default:
          throw QdrantErrors.invalid("Wrong input: field index type is required");
      }
    } else {
      // FieldType's zero value is Keyword, as in the proto.
      type = PayloadSchemaType.Keyword;
    }
    return new FieldIndex(
        req.getFieldName(), type, req.hasFieldIndexParams() ? req.getFieldIndexParams() : null);
  }

  WriteTicket deleteIndex(DeleteFieldIndexCollection req) {
    return write(OP_DELETE_INDEX, req, () -> () -> indexes.remove(req.getFieldName()));
  }

  /** The existing points a selector names (ids that do not exist are skipped, as in Qdrant). */
  private List<PointKey> select(PointsSelector selector) {
    List<PointKey> out = new ArrayList<>();
    switch (selector.getPointsSelectorOneOfCase()) {
      case POINTS:
        for (PointId id : selector.getPoints().getIdsList()) {
          PointKey k = PointKey.of(id);
          if (points.containsKey(k)) {
            out.add(k);
          }
        }
        return out;
      case FILTER:
        {
          FilterMatcher m = new FilterMatcher(selector.getFilter(), indexes, vectorNames);
          for (StoredPoint p : points.values()) {
            if (m.matches(p)) {
              out.add(p.key);
            }
          }
          return out;
        }
      default:
        throw QdrantErrors.invalid("Wrong input: a points selector (ids or filter) is required");
    }
  }

  // ---------------------------------------------------------------- replay

  /** Re-applies one logged operation during recovery. */
  void replay(RecordLog.Entry e) throws InvalidProtocolBufferException {
    switch (e.type) {
      case OP_UPSERT:
      case OP_DELETE:
      case OP_SET_PAYLOAD:
      case OP_OVERWRITE_PAYLOAD:
      case OP_DELETE_PAYLOAD:
      case OP_CLEAR_PAYLOAD:
      case OP_CREATE_INDEX:
      case OP_DELETE_INDEX:
        replayThroughPublicPath(e);
        break;
      case SNAP_POINT:
        putPoint(decodeSnapshotPoint(e.data));
        break;
      case SNAP_END:
        break;
      default:
        throw new IllegalStateException(
            "unknown log record type " + e.type + " in collection " + name);
    }
  }

  private void replayThroughPublicPath(RecordLog.Entry e) throws InvalidProtocolBufferException {
    CollectionStore saved = store;
    store = null; // apply without logging again
    try {
      switch (e.type) {
        case OP_UPSERT:
          upsert(UpsertPoints.parseFrom(e.data));
          break;
        case OP_DELETE:
          delete(DeletePoints.parseFrom(e.data));
          break;
        case OP_SET_PAYLOAD:
          setPayload(SetPayloadPoints.parseFrom(e.data), false);
          break;
        case OP_OVERWRITE_PAYLOAD:
          setPayload(SetPayloadPoints.parseFrom(e.data), true);
          break;
        case OP_DELETE_PAYLOAD:
          deletePayload(DeletePayloadPoints.parseFrom(e.data));
          break;
        case OP_CLEAR_PAYLOAD:
          clearPayload(ClearPayloadPoints.parseFrom(e.data));
          break;
        case OP_CREATE_INDEX:
          createIndex(CreateFieldIndexCollection.parseFrom(e.data));
          break;
        default:
          deleteIndex(DeleteFieldIndexCollection.parseFrom(e.data));
          break;
      }
    } finally {
      store = saved;
    }
  }

  /** Snapshot records describing the current state (taken under the caller's write lock). */
  List<byte[]> snapshotIndexes() {
    List<byte[]> out = new ArrayList<>();
    for (FieldIndex index : indexes.values()) {
      CreateFieldIndexCollection.Builder b =
          CreateFieldIndexCollection.newBuilder().setCollectionName(name).setFieldName(index.field);
      b.setFieldType(fieldType(index.type));
      if (index.params != null) {
        b.setFieldIndexParams(index.params);
      }
      out.add(b.build().toByteArray());
    }
    return out;
  }

  private static io.qdrant.client.grpc.Points.FieldType fieldType(PayloadSchemaType t) {
    switch (t) {
      case Integer:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeInteger;
      case Float:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeFloat;
      case Geo:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeGeo;
      case Text:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeText;
      case Bool:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeBool;
      case Datetime:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeDatetime;
      case Uuid:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeUuid;
      default:
        return io.qdrant.client.grpc.Points.FieldType.FieldTypeKeyword;
    }
  }

  /**
   * Encodes a stored point for a snapshot: key, then per vector a presence byte and the raw floats
   * (as stored, already normalised), then the payload as a protobuf Struct.
   */
  byte[] encodeSnapshotPoint(StoredPoint p) {
    byte[] payload =
        io.qdrant.client.grpc.JsonWithInt.Struct.newBuilder()
            .putAllFields(p.payload)
            .build()
            .toByteArray();
    int size = 17 + payload.length;
    for (float[] v : p.vectors) {
      size += 1 + (v == null ? 0 : 4 * v.length);
    }
    java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
    p.key.writeTo(out);
    for (float[] v : p.vectors) {
      out.put((byte) (v == null ? 0 : 1));
      if (v != null) {
        out.asFloatBuffer().put(v);
        out.position(out.position() + 4 * v.length);
      }
    }
    out.put(payload);
    return out.array();
  }

  private StoredPoint decodeSnapshotPoint(byte[] data) throws InvalidProtocolBufferException {
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(data);
    PointKey key = PointKey.readFrom(in);
    float[][] vectors = new float[vectorNames.size()][];
    for (int i = 0; i < vectors.length; i++) {
      if (in.get() == 1) {
        vectors[i] = new float[dims[i]];
        in.asFloatBuffer().get(vectors[i]);
        in.position(in.position() + 4 * dims[i]);
      }
    }
    Map<String, Value> payload =
        io.qdrant.client.grpc.JsonWithInt.Struct.parseFrom(
                java.nio.ByteBuffer.wrap(data, in.position(), data.length - in.position()))
            .getFieldsMap();
    return new StoredPoint(key, vectors, Collections.unmodifiableMap(new LinkedHashMap<>(payload)));
  }

  // ---------------------------------------------------------------- reads (callers hold the read
  // lock)

  TreeMap<PointKey, StoredPoint> pointsView() {
    return points;
  }

  Map<String, FieldIndex> indexesView() {
    return indexes;
  }

  int vectorSlot(String vectorName) {
    String n = vectorName == null ? "" : vectorName;
    int slot = vectorNames.indexOf(n);
    if (slot < 0) {
      throw QdrantErrors.invalid("Wrong input: Not existing vector name error: " + n);
    }
    return slot;
  }

  VectorColumn column(int slot) {
    return columns[slot];
  }

  int dim(int slot) {
    return dims[slot];
  }

  Distance distance(int slot) {
    return distances[slot];
  }

  FilterMatcher matcher(Filter f) {
    return f == null || f.equals(Filter.getDefaultInstance())
        ? null
        : new FilterMatcher(f, indexes, vectorNames);
  }

  CollectionInfo info() {
    lock.readLock().lock();
    try {
      checkLive();
      CollectionInfo.Builder b =
          CollectionInfo.newBuilder()
              .setStatus(CollectionStatus.Green)
              .setOptimizerStatus(OptimizerStatus.newBuilder().setOk(true))
              .setSegmentsCount(1)
              .setPointsCount(points.size())
              .setIndexedVectorsCount(0)
              .setConfig(config());
      for (FieldIndex index : indexes.values()) {
        long count = 0;
        for (StoredPoint p : points.values()) {
          if (!FilterMatcher.isEmpty(p.payload, index.field)) {
            count++;
          }
        }
        PayloadSchemaInfo.Builder info =
            PayloadSchemaInfo.newBuilder().setDataType(index.type).setPoints(count);
        if (index.params != null) {
          info.setParams(index.params);
        }
        b.putPayloadSchema(index.field, info.build());
      }
      return b.build();
    } finally {
      lock.readLock().unlock();
    }
  }

  private CollectionConfig config() {
    CollectionParams.Builder params =
        CollectionParams.newBuilder()
            .setShardNumber(1)
            .setReplicationFactor(1)
            .setWriteConsistencyFactor(1)
            .setOnDiskPayload(definition.hasOnDiskPayload() && definition.getOnDiskPayload())
            .setVectorsConfig(definition.getVectorsConfig());
    HnswConfigDiff hnsw =
        HnswConfigDiff.newBuilder()
            .setM(16)
            .setEfConstruct(100)
            .setFullScanThreshold(10000)
            .setMaxIndexingThreads(0)
            .setOnDisk(false)
            .mergeFrom(definition.getHnswConfig())
            .build();
    OptimizersConfigDiff optimizers =
        OptimizersConfigDiff.newBuilder()
            .setDeletedThreshold(0.2)
            .setVacuumMinVectorNumber(1000)
            .setDefaultSegmentNumber(0)
            .setFlushIntervalSec(5)
            .mergeFrom(definition.getOptimizersConfig())
            .build();
    WalConfigDiff wal =
        WalConfigDiff.newBuilder()
            .setWalCapacityMb(32)
            .setWalSegmentsAhead(0)
            .mergeFrom(definition.getWalConfig())
            .build();
    CollectionConfig.Builder c =
        CollectionConfig.newBuilder()
            .setParams(params)
            .setHnswConfig(hnsw)
            .setOptimizerConfig(optimizers)
            .setWalConfig(wal)
            .putAllMetadata(definition.getMetadataMap());
    if (definition.hasStrictModeConfig()) {
      c.setStrictModeConfig(definition.getStrictModeConfig());
    }
    return c.build();
  }

  /** Ids named in a has_id-free request that exist; used by Get. */
  List<StoredPoint> getAll(List<PointId> ids) {
    List<StoredPoint> out = new ArrayList<>();
    Set<PointKey> seen = new HashSet<>();
    for (PointId id : ids) {
      PointKey k = PointKey.of(id);
      StoredPoint p = points.get(k);
      if (p != null && seen.add(k)) {
        out.add(p);
      }
    }
    return out;
  }
}
