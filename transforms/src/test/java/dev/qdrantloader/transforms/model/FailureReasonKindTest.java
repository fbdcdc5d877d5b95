package dev.qdrantloader.transforms.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailureReasonKindTest {
  static String kind(String reason) {
    return new Failure("convert", "p", "s", "a.pdf", reason).reasonKind();
  }

  @Test
  void detailAfterAColonParenthesisOrCommaIsLeftOut() {
    assertEquals(
        "corrupt or unreadable pdf", kind("corrupt or unreadable PDF: Missing root object"));
    assertEquals("encrypted pdf", kind("encrypted PDF (password protected)"));
    assertEquals(
        "file is N bytes",
        kind("file is 123456 bytes, over the source's max_file_size of 100 bytes"));
    assertEquals("embedding failed", kind("embedding failed: java.net.ConnectException: refused"));
  }

  @Test
  void longReasonsKeepFiveWordsAndEmptyOnesAreUnknown() {
    assertEquals(
        "file grew over the source's",
        kind("file grew over the source's max_file_size while read"));
    assertEquals("unknown", kind(""));
    assertEquals("unknown", kind(null));
    assertEquals("http 400 input contains a", kind("HTTP 400 Input contains a forbidden sequence"));
  }
}
