package dev.qdrantloader.pipelines.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits on turning files (PDF, Office, HTML, ...) into text ({@code global.file_conversion}).
 *
 * @param maxFileSize larger files are not converted, in bytes
 * @param conversionTimeout how long one file may take to convert
 */
public record FileConversionSettings(long maxFileSize, Duration conversionTimeout)
    implements Serializable {
  public static final long DEFAULT_MAX_FILE_SIZE = 52_428_800L;
  public static final Duration DEFAULT_CONVERSION_TIMEOUT = Duration.ofSeconds(300);

  public FileConversionSettings {
    Objects.requireNonNull(conversionTimeout, "conversionTimeout");
    if (maxFileSize < 1) {
      throw new IllegalArgumentException("maxFileSize must be positive, got " + maxFileSize);
    }
    if (conversionTimeout.isNegative() || conversionTimeout.isZero()) {
      throw new IllegalArgumentException(
          "conversionTimeout must be positive, got " + conversionTimeout);
    }
  }

  /** 50 MiB, 300 seconds. */
  public static FileConversionSettings defaults() {
    return new FileConversionSettings(DEFAULT_MAX_FILE_SIZE, DEFAULT_CONVERSION_TIMEOUT);
  }
}
