package dev.qdrantloader.io.embedding.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AimdTest {
  @Test
  void halvesOncePerRoundTripToNoLessThanOne() {
    Aimd aimd = new Aimd(16, 64);
    assertTrue(aimd.onThrottle(10, 20));
    assertEquals(8, aimd.concurrency());
    assertEquals(32, aimd.inputs());
    // Sent before the decrease: answers for the old limits.
    assertFalse(aimd.onThrottle(15, 25));
    assertEquals(8, aimd.concurrency());
    for (long t = 30; t < 100; t += 10) {
      aimd.onThrottle(t, t + 5);
    }
    assertEquals(1, aimd.concurrency());
    assertEquals(1, aimd.inputs());
  }

  @Test
  void climbsBackAdditivelyAndNeverAboveTheConfiguration() {
    Aimd aimd = new Aimd(4, 16);
    assertFalse(aimd.onSuccess(), "already at the configuration");
    aimd.onThrottle(1, 2);
    aimd.onThrottle(3, 4);
    assertEquals(1, aimd.concurrency());
    assertEquals(4, aimd.inputs());
    assertTrue(aimd.onSuccess()); // one success per request in flight
    assertEquals(2, aimd.concurrency());
    assertEquals(6, aimd.inputs());
    assertFalse(aimd.onSuccess());
    assertTrue(aimd.onSuccess());
    assertEquals(3, aimd.concurrency());
    for (int i = 0; i < 100; i++) {
      aimd.onSuccess();
      assertTrue(aimd.concurrency() <= 4 && aimd.inputs() <= 16);
    }
    assertEquals(4, aimd.concurrency());
    assertEquals(16, aimd.inputs());
  }
}
