package dev.qdrantloader.transforms.chunk;

import java.util.ArrayList;
import java.util.List;

/**
 * Chunks plain text into pieces of at most {@link ChunkingOptions#maxTokens()} tokens, as the
 * {@link TokenCounter} counts each piece alone.
 *
 * <p>Breaks are preferred at paragraph boundaries (blank lines), then sentence boundaries ({@link
 * java.text.BreakIterator}), then line and word boundaries; a single run without spaces that is too
 * large on its own is cut by characters. Consecutive pieces are packed greedily. Each chunk is a
 * verbatim slice of the input, so no text is dropped or rewritten; only whitespace at chunk edges
 * is trimmed.
 *
 * <p>Each chunk after the first starts with the trailing sentences (or, when the last sentence is
 * too long, words) of the previous chunk, totalling at most {@link ChunkingOptions#overlapTokens()}
 * tokens, when they fit beside the chunk's new text.
 */
public final class TextChunker implements Chunker {
  private final TokenPacker packer;

  public TextChunker(TokenCounter counter, ChunkingOptions options) {
    this.packer = new TokenPacker(counter, options);
  }

  @Override
  public List<ChunkedText> chunk(String text) {
    List<ChunkedText> chunks = new ArrayList<>();
    for (TokenPacker.Slice slice : packer.pack(text, paragraphs(text))) {
      chunks.add(
          new ChunkedText(text.substring(slice.start(), slice.end()), List.of(), slice.tokens()));
    }
    return chunks;
  }

  /** Blank-line separated paragraphs. */
  static List<TokenPacker.Block> paragraphs(String text) {
    List<TokenPacker.Block> blocks = new ArrayList<>();
    int blockStart = -1;
    int lineStart = 0;
    while (lineStart <= text.length()) {
      int newline = text.indexOf('\n', lineStart);
      int lineEnd = newline < 0 ? text.length() : newline;
      boolean blank = TokenPacker.skipSpace(text, lineStart, lineEnd) == lineEnd;
      if (blank && blockStart >= 0) {
        blocks.add(new TokenPacker.Block(blockStart, lineStart, TokenPacker.Kind.PROSE));
        blockStart = -1;
      } else if (!blank && blockStart < 0) {
        blockStart = lineStart;
      }
      if (newline < 0) {
        break;
      }
      lineStart = newline + 1;
    }
    if (blockStart >= 0) {
      blocks.add(new TokenPacker.Block(blockStart, text.length(), TokenPacker.Kind.PROSE));
    }
    return blocks;
  }
}
