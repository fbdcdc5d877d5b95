package dev.qdrantloader.io.convert;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Refuses zip containers (DOCX, PPTX, XLSX, ODT, EPUB, ...) that inflate far beyond their size,
 * before any parser sees them. Tika switches POI's own inflate-ratio check off and relies on
 * counting output characters, but its DOCX and PPTX handlers buffer a whole text run first, so a
 * single 200 MB run would be in memory before any character count could object. Inflating once into
 * a scratch buffer costs little and bounds everything downstream.
 */
final class ZipExpansion {
  /** Containers may always inflate to this much, whatever their size. */
  static final long MIN_ALLOWED_BYTES = 16L * 1024 * 1024;

  /** Beyond this, expansion is allowed only up to this many times the file size. */
  static final int MAX_RATIO = 100;

  static final int MAX_ENTRIES = 10_000;

  private ZipExpansion() {}

  /** Fails when {@code bytes} is a zip that inflates to more than the allowance. */
  static void check(byte[] bytes) throws ConversionException {
    if (!isZip(bytes)) {
      return;
    }
    long allowed = Math.max(MIN_ALLOWED_BYTES, (long) MAX_RATIO * bytes.length);
    long inflated = 0;
    int entries = 0;
    byte[] scratch = new byte[64 * 1024];
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (++entries > MAX_ENTRIES) {
          throw new ConversionException(
              "archive has over " + MAX_ENTRIES + " entries (possible decompression bomb)");
        }
        for (int n = zip.read(scratch); n >= 0; n = zip.read(scratch)) {
          inflated += n;
          if (inflated > allowed) {
            throw new ConversionException(
                "compressed content expands to over "
                    + allowed
                    + " bytes (possible decompression bomb)");
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // Not readable as a stream of entries: the parser reports the corrupt file in its own words.
    }
  }

  private static boolean isZip(byte[] b) {
    return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
  }
}
