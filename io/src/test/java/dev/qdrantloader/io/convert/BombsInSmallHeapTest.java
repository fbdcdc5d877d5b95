package dev.qdrantloader.io.convert;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decompression bombs fail on the converter's limits, not on the heap: each is converted in a child
 * JVM with a heap far smaller than what the bombs expand to (200 MB of text each).
 */
class BombsInSmallHeapTest {
  @Test
  @Timeout(300)
  void bombsFailWithTheirReasonsInASmallHeap() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx192m",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = child.waitFor();

    assertEquals(0, exit, output);
    assertThat(
        output, containsString("bomb.docx: compressed content expands to over 19538600 bytes"));
    assertThat(output, containsString("bomb.odt: compressed content expands to over"));
    assertThat(
        output,
        containsString(
            "dense.docx: content expands too much when decompressed"
                + " (possible decompression bomb)"));
    assertThat(
        output,
        containsString(
            "archive.zip: unsupported binary format (application/zip): no extractable text"));
    assertThat(output, containsString("after.pdf: converted"));
    assertThat(output, not(containsString("memory")));
  }

  /** The child JVM: converts each bomb, prints "name: reason", then converts a normal file. */
  static final class Probe {
    public static void main(String[] args) throws Exception {
      DocumentConverter converter =
          new DocumentConverter(new ConversionLimits(10L * 1024 * 1024, Duration.ofSeconds(120)));
      Map<String, byte[]> bombs = new LinkedHashMap<>();
      bombs.put("bomb.docx", Fixtures.docxBomb(Fixtures.BOMB_CHARS));
      bombs.put("bomb.odt", Fixtures.odtBomb(Fixtures.BOMB_CHARS));
      bombs.put("dense.docx", Fixtures.docxBomb(15_000_000));
      bombs.put("archive.zip", Fixtures.zipBomb(Fixtures.BOMB_CHARS));
      for (Map.Entry<String, byte[]> bomb : bombs.entrySet()) {
        try {
          converter.convert(bomb.getKey(), bomb.getValue());
          System.out.println(bomb.getKey() + ": converted");
        } catch (ConversionException e) {
          System.out.println(bomb.getKey() + ": " + e.reason());
        }
      }
      converter.convert("after.pdf", Fixtures.pdf("t", "Still fine."));
      System.out.println("after.pdf: converted");
    }
  }
}
