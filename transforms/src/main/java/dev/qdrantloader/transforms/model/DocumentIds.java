package dev.qdrantloader.transforms.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Stable identifiers: the same inputs give the same ids on every run, JVM and machine (no
 * process-salted hashes). Document ids are UUID v5 strings of {@code
 * projectId:sourceType:source:path} (two projects may both have a source named "docs"); point ids
 * are UUID v5 of {@code documentId:chunkIndex:chunkHash}.
 */
public final class DocumentIds {
  /** Namespace of our UUID v5 ids: a fixed value; changing it would change every id. */
  public static final UUID NAMESPACE = UUID.fromString("5b0c43a1-5f7e-5d0e-9f59-2c1a3c8e7a10");

  private DocumentIds() {}

  /** Normalises a relative path: forward slashes, no leading "./" or "/", no duplicate slashes. */
  public static String normalizePath(String path) {
    String p = path.replace('\\', '/');
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.replaceAll("/{2,}", "/");
  }

  public static String documentId(
      String projectId, String sourceType, String source, String relativePath) {
    return uuid5(
            NAMESPACE,
            projectId
                + ":"
                + sourceType.toLowerCase(Locale.ROOT)
                + ":"
                + source
                + ":"
                + normalizePath(relativePath))
        .toString();
  }

  public static String pointId(String documentId, int chunkIndex, String chunkHash) {
    return uuid5(NAMESPACE, documentId + ":" + chunkIndex + ":" + chunkHash).toString();
  }

  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** RFC 4122 name-based UUID, version 5 (SHA-1). */
  public static UUID uuid5(UUID namespace, String name) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
    }
    ByteBuffer ns = ByteBuffer.allocate(16);
    ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
    sha1.update(ns.array());
    byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
    h[6] = (byte) ((h[6] & 0x0f) | 0x50);
    h[8] = (byte) ((h[8] & 0x3f) | 0x80);
    ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
    return new UUID(b.getLong(), b.getLong());
  }
}
