package dev.qdrantloader.io.convert;

import java.util.Locale;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.WriteLimitReachedException;

/** Turns what a parser threw into a reason a user can act on. */
final class ParseFailures {
  /** Longest parser message quoted in a reason. */
  private static final int MAX_DETAIL = 200;

  private static final String POI_ENCRYPTED = "org.apache.poi.EncryptedDocumentException";
  private static final String PDFBOX_WRONG_PASSWORD =
      "org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException";

  private ParseFailures() {}

  /**
   * The reason for {@code failure}, thrown while parsing a file described by {@code label} ("PDF",
   * "DOCX document", ...).
   */
  static String reason(Throwable failure, String label, int maxExtractedChars) {
    if (WriteLimitReachedException.isWriteLimitReached(failure)) {
      return "extracted text exceeds "
          + maxExtractedChars
          + " characters (possible decompression bomb)";
    }
    if (causedBy(failure, EncryptedDocumentException.class)
        || causedBy(failure, POI_ENCRYPTED)
        || causedBy(failure, PDFBOX_WRONG_PASSWORD)) {
      return "PDF".equals(label)
          ? "encrypted PDF (password protected)"
          : "encrypted " + label + " (password protected)";
    }
    if (mentionsZipBomb(failure)) {
      return "content expands too much when decompressed (possible decompression bomb)";
    }
    if (causedBy(failure, OutOfMemoryError.class)) {
      return "ran out of memory converting the " + label;
    }
    if (causedBy(failure, StackOverflowError.class)) {
      return label + " is nested too deeply to convert (stack overflow)";
    }
    return "corrupt or unreadable " + label + ": " + detail(failure);
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** By name: POI and PDFBox come with Tika's parser package, not as our own dependencies. */
  private static boolean causedBy(Throwable failure, String className) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
        if (c.getName().equals(className)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean mentionsZipBomb(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.toLowerCase(Locale.ROOT).contains("zip bomb")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's message on one line, shortened; parsers rarely quote content there. */
  private static String detail(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      message = root.getClass().getSimpleName();
    }
    message = message.replaceAll("\\s+", " ").strip();
    return message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL) + "...";
  }
}
