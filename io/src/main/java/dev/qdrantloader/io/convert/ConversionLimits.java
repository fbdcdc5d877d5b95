package dev.qdrantloader.io.convert;

import java.io.Serializable;
import java.time.Duration;

/**
 * How much one file may cost to convert. Files over {@link #maxFileSizeBytes} are refused before
 * any parsing; a parse running longer than {@link #timeout} is abandoned; extracted text is capped
 * at {@link #maxExtractedChars()} so a small compressed file cannot expand into gigabytes of text.
 *
 * @param maxFileSizeBytes largest file accepted, in bytes (at least 1)
 * @param timeout longest a single document parse may run (positive)
 */
public record ConversionLimits(long maxFileSizeBytes, Duration timeout) implements Serializable {
  /** 50 MiB, as the original loader's {@code file_conversion.max_file_size}. */
  public static final long DEFAULT_MAX_FILE_SIZE_BYTES = 50L * 1024 * 1024;

  /** Five minutes, as the original loader's {@code file_conversion.conversion_timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  /** The most text one document may yield, whatever the file size limit. */
  public static final int MAX_EXTRACTED_CHARS_CAP = 20_000_000;

  public ConversionLimits {
    if (maxFileSizeBytes < 1) {
      throw new IllegalArgumentException(
          "maxFileSizeBytes must be at least 1, got " + maxFileSizeBytes);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** 50 MiB per file, five minutes per parse. */
  public static ConversionLimits defaults() {
    return new ConversionLimits(DEFAULT_MAX_FILE_SIZE_BYTES, DEFAULT_TIMEOUT);
  }

  /**
   * The cap on extracted characters: ten characters per byte of the size limit, and never more than
   * {@link #MAX_EXTRACTED_CHARS_CAP}. Text beyond it means a decompression bomb far more often than
   * a real document.
   */
  public int maxExtractedChars() {
    return maxFileSizeBytes >= MAX_EXTRACTED_CHARS_CAP / 10
        ? MAX_EXTRACTED_CHARS_CAP
        : (int) (10 * maxFileSizeBytes);
  }
}
