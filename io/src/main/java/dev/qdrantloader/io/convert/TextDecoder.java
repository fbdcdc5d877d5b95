package dev.qdrantloader.io.convert;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.tika.parser.txt.CharsetDetector;
import org.apache.tika.parser.txt.CharsetMatch;

/**
 * Decodes the bytes of a text file: UTF-8 when they are valid UTF-8 (the common case, checked
 * strictly), a byte-order mark when there is one, otherwise the charset Tika's detector finds
 * around the first byte that is not UTF-8. Bytes that are not text at all are refused.
 */
final class TextDecoder {
  static final String NOT_TEXT = "binary content in a text file (NUL bytes / not text)";

  /** Bytes either side of the first non-UTF-8 byte shown to the charset detector. */
  private static final int DETECTION_WINDOW = 32 * 1024;

  /** Share of control characters above which decoded "text" is taken for binary. */
  private static final double MAX_CONTROL_SHARE = 0.05;

  private static final Charset FALLBACK = Charset.forName("windows-1252");

  private TextDecoder() {}

  /** Decodes {@code bytes}, or fails with {@link #NOT_TEXT}. */
  static String decode(byte[] bytes) throws ConversionException {
    String text = tryDecode(bytes);
    if (text == null) {
      throw new ConversionException(NOT_TEXT);
    }
    return text;
  }

  /** The decoded text, or null when the bytes are not text. */
  static String tryDecode(byte[] bytes) {
    String text = decodeWithBom(bytes);
    if (text == null) {
      if (indexOf(bytes, (byte) 0) >= 0) {
        return null;
      }
      text = decodeUtf8OrDetect(bytes);
    }
    return looksLikeText(text) ? text : null;
  }

  private static String decodeWithBom(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf) {
      return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xfe && (b[1] & 0xff) == 0xff) {
      return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
    }
    if (b.length >= 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xfe) {
      return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
    }
    return null;
  }

  private static String decodeUtf8OrDetect(byte[] bytes) {
    int firstBadByte = firstNonUtf8Byte(bytes);
    return new String(
        bytes, firstBadByte < 0 ? StandardCharsets.UTF_8 : detect(bytes, firstBadByte));
  }

  /** Where strict UTF-8 decoding fails, or -1; decodes in small pieces to allocate little. */
  private static int firstNonUtf8Byte(byte[] bytes) {
    CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(8192);
    while (true) {
      CoderResult result = strict.decode(in, out, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isUnderflow()) {
        return -1;
      }
      out.clear();
    }
  }

  /** The charset of {@code bytes}, judged on a window around the first byte that is not UTF-8. */
  private static Charset detect(byte[] bytes, int firstBadByte) {
    int from = Math.max(0, firstBadByte - DETECTION_WINDOW);
    int to = Math.min(bytes.length, firstBadByte + DETECTION_WINDOW);
    CharsetDetector detector = new CharsetDetector();
    detector.setText(Arrays.copyOfRange(bytes, from, to));
    CharsetMatch[] matches = detector.detectAll();
    for (CharsetMatch match : matches) {
      Charset charset = supported(match.getName());
      // UTF-8 already failed; a detector that still says UTF-8 means "mostly ASCII".
      if (charset != null && !charset.equals(StandardCharsets.UTF_8) && decodes(bytes, charset)) {
        return charset;
      }
    }
    return FALLBACK;
  }

  private static Charset supported(String name) {
    try {
      return name != null && Charset.isSupported(name) ? Charset.forName(name) : null;
    } catch (IllegalCharsetNameException e) {
      return null;
    }
  }

  private static boolean decodes(byte[] bytes, Charset charset) {
    try {
      charset
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Few control characters besides tab, line breaks, form feed and ESC (coloured logs). */
  private static boolean looksLikeText(String text) {
    int controls = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b)
          || c == 0x7f) {
        if (c == 0) {
          return false;
        }
        controls++;
      }
    }
    return controls <= text.length() * MAX_CONTROL_SHARE;
  }

  private static int indexOf(byte[] bytes, byte value) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
