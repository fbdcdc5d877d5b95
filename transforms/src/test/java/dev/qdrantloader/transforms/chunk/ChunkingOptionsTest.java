package dev.qdrantloader.transforms.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkingOptionsTest {
  @Test
  void optionsRejectBadValuesNamingTheParameter() {
    IllegalArgumentException max =
        assertThrows(IllegalArgumentException.class, () -> new ChunkingOptions(7, 0));
    assertTrue(max.getMessage().contains("maxTokens") && max.getMessage().contains("7"));
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> new ChunkingOptions(64, -1));
    assertTrue(
        negative.getMessage().contains("overlapTokens") && negative.getMessage().contains("-1"));
    IllegalArgumentException half =
        assertThrows(IllegalArgumentException.class, () -> new ChunkingOptions(64, 32));
    assertTrue(half.getMessage().contains("overlapTokens") && half.getMessage().contains("32"));
    assertEquals(31, new ChunkingOptions(64, 31).overlapTokens());
  }
}
