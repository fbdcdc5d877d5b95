package dev.qdrantloader.io.qdrant.local;

import io.qdrant.client.grpc.Common.PointId;
import java.util.Locale;
import java.util.UUID;

/**
 * A point id as Qdrant orders it: unsigned integers first (numerically), then UUIDs (as unsigned
 * 128-bit numbers). Immutable; canonical UUID text is lower-case with hyphens.
 */
final class PointKey implements Comparable<PointKey> {
  private final boolean uuid;
  private final long hi; // num for integer ids; most significant bits for UUIDs
  private final long lo;

  private PointKey(boolean uuid, long hi, long lo) {
    this.uuid = uuid;
    this.hi = hi;
    this.lo = lo;
  }

  static PointKey num(long unsigned) {
    return new PointKey(false, unsigned, 0);
  }

  static PointKey uuid(UUID u) {
    return new PointKey(true, u.getMostSignificantBits(), u.getLeastSignificantBits());
  }

  /** Parses a gRPC point id; a malformed UUID is an INVALID_ARGUMENT, as in Qdrant. */
  static PointKey of(PointId id) {
    switch (id.getPointIdOptionsCase()) {
      case NUM:
        return num(id.getNum());
      case UUID:
        return uuid(parseUuid(id.getUuid()));
      default:
        throw QdrantErrors.invalid("Wrong input: point id is not set");
    }
  }

  static UUID parseUuid(String text) {
    String s = text.trim();
    try {
      if (s.length() == 32 && s.indexOf('-') < 0) {
        s =
            s.substring(0, 8)
                + "-"
                + s.substring(8, 12)
                + "-"
                + s.substring(12, 16)
                + "-"
                + s.substring(16, 20)
                + "-"
                + s.substring(20);
      } else if (s.startsWith("urn:uuid:")) {
        s = s.substring("urn:uuid:".length());
      } else if (s.startsWith("{") && s.endsWith("}")) {
        s = s.substring(1, s.length() - 1);
      }
      if (s.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw QdrantErrors.invalid("Unable to parse UUID: " + text);
    }
  }

  boolean isUuid() {
    return uuid;
  }

  /** Writes the key as 17 bytes: a UUID flag and two longs. */
  void writeTo(java.nio.ByteBuffer out) {
    out.put((byte) (uuid ? 1 : 0)).putLong(hi).putLong(lo);
  }

  static PointKey readFrom(java.nio.ByteBuffer in) {
    boolean u = in.get() == 1;
    long h = in.getLong();
    long l = in.getLong();
    return new PointKey(u, h, l);
  }

  PointId toPointId() {
    if (uuid) {
      return PointId.newBuilder().setUuid(new UUID(hi, lo).toString()).build();
    }
    return PointId.newBuilder().setNum(hi).build();
  }

  @Override
  public int compareTo(PointKey o) {
    if (uuid != o.uuid) {
      return uuid ? 1 : -1;
    }
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PointKey
        && ((PointKey) o).uuid == uuid
        && ((PointKey) o).hi == hi
        && ((PointKey) o).lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi * 31 + lo) ^ (uuid ? 1 : 0);
  }

  @Override
  public String toString() {
    return uuid ? new UUID(hi, lo).toString().toLowerCase(Locale.ROOT) : Long.toUnsignedString(hi);
  }
}
