package dev.qdrantloader.io.convert;

/**
 * A file that cannot be turned into text, for a reason the file's owner can act on ("encrypted PDF
 * (password protected)", "empty file", ...). The message is shown to users as it is, so it never
 * contains document content.
 */
public final class ConversionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConversionException(String reason) {
    super(reason);
  }

  public ConversionException(String reason, Throwable cause) {
    super(reason, cause);
  }

  /** The reason, in words; the same as {@link #getMessage()}. */
  public String reason() {
    return getMessage();
  }
}
