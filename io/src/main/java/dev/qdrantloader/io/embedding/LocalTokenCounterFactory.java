package dev.qdrantloader.io.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.qdrantloader.transforms.chunk.TokenCounter;
import dev.qdrantloader.transforms.chunk.TokenCounterFactory;

/**
 * Counts tokens with the local model's own tokenizer, untruncated, special tokens included. Both
 * local models tokenize with BERT's WordPiece, whose tokens never cross whitespace, so the counter
 * also tells where a text's tokens lie.
 */
public final class LocalTokenCounterFactory implements TokenCounterFactory {
  private static final long serialVersionUID = 1L;
  private final LocalModel model;

  public LocalTokenCounterFactory(LocalModel model) {
    this.model = model;
  }

  @Override
  public TokenCounter create() {
    return new Counter(LocalModels.countingTokenizer(model));
  }

  private static final class Counter implements TokenCounter {
    private final HuggingFaceTokenizer tokenizer;

    Counter(HuggingFaceTokenizer tokenizer) {
      this.tokenizer = tokenizer;
    }

    @Override
    public int countTokens(String text) {
      return tokenizer.encode(text).getIds().length;
    }

    @Override
    public int[] tokenOffsets(String text) {
      Encoding e = tokenizer.encode(text);
      CharSpan[] spans = e.getCharTokenSpans();
      long[] special = e.getSpecialTokenMask();
      int n = 0;
      for (int i = 0; i < spans.length; i++) {
        if (special[i] == 0 && spans[i] != null) {
          n++;
        }
      }
      // The tokenizer's offsets count code points; Java strings index UTF-16 units.
      int[] utf16 = hasSurrogates(text) ? codePointToUtf16(text) : null;
      int[] out = new int[2 * n];
      int k = 0;
      for (int i = 0; i < spans.length; i++) {
        if (special[i] == 0 && spans[i] != null) {
          int start = spans[i].getStart();
          int end = spans[i].getEnd();
          out[k++] = utf16 == null ? start : utf16[start];
          out[k++] = utf16 == null ? end : utf16[end];
        }
      }
      return out;
    }

    private static boolean hasSurrogates(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isSurrogate(text.charAt(i))) {
          return true;
        }
      }
      return false;
    }

    /** UTF-16 index of each code point index, up to and including the end of the text. */
    private static int[] codePointToUtf16(String text) {
      int[] map = new int[text.codePointCount(0, text.length()) + 1];
      int cp = 0;
      for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
        map[cp++] = i;
      }
      map[cp] = text.length();
      return map;
    }
  }
}
