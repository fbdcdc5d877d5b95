package dev.qdrantloader.transforms.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chunks Markdown by its headings, so each chunk carries the path of headings above it.
 *
 * <p>Sections start at ATX headings ({@code #} to {@code ######}) and at simple Setext headings (a
 * single-line paragraph underlined with {@code ==} or {@code ---}); lines inside fenced code blocks
 * ({@code ```} or {@code ~~~}) are never headings. Text before the first heading is a section with
 * an empty heading path. A section's text includes its heading line.
 *
 * <p>A section that fits {@link ChunkingOptions#maxTokens()} is one chunk, and it absorbs the
 * sections nested under it (its subsections, their subsections, ...) that follow, for as long as
 * the total still fits; the chunk's heading path is then the first section's, which is the common
 * prefix of all absorbed sections. Sibling sections are never merged, so each chunk's path stays
 * exact. A section too large on its own is cut like {@link TextChunker} cuts text, except that a
 * fenced code block is kept whole unless it alone is too large (then it is cut at lines); the
 * pieces share the section's heading path, and overlap applies only between pieces of one section.
 * Chunk text is always a verbatim slice of the input: headings are not repeated in later pieces,
 * since the heading path travels with each chunk.
 */
public final class MarkdownChunker implements Chunker {
  private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t](.*))?$");
  private static final Pattern CLOSING_HASHES = Pattern.compile("(?:^|[ \\t]+)#+[ \\t]*$");
  private static final Pattern FENCE_OPEN = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
  // '=' underlines need two characters and '-' three, so a lone "-" list item is not a heading.
  private static final Pattern SETEXT = Pattern.compile("^ {0,3}(={2,}|-{3,})[ \\t]*$");
  private static final Pattern NOT_SETEXT_TEXT =
      Pattern.compile("^(?: {4}|\\t| {0,3}(?:>|[-*+](?:[ \\t]|$)|\\d{1,9}[.)](?:[ \\t]|$)))");

  /**
   * Stands for the count of a section too long to be worth counting; sums of it cannot overflow.
   */
  private static final int TOO_LARGE = Integer.MAX_VALUE / 4;

  /** A Markdown block; {@code level} > 0 marks a heading with its {@code title}. */
  private record MdBlock(int start, int end, TokenPacker.Kind kind, int level, String title) {}

  /** A heading's section: trimmed {@code [start, end)}, its heading path and its blocks. */
  private record Section(int start, int end, List<String> path, List<TokenPacker.Block> blocks) {}

  private final TokenPacker packer;

  public MarkdownChunker(TokenCounter counter, ChunkingOptions options) {
    this.packer = new TokenPacker(counter, options);
  }

  @Override
  public List<ChunkedText> chunk(String text) {
    List<Section> sections = sections(text);
    int n = sections.size();
    int[] counts = new int[n];
    int overhead = packer.overhead();
    for (int i = 0; i < n; i++) {
      Section section = sections.get(i);
      counts[i] =
          packer.surelyTooLarge(section.start(), section.end())
              ? TOO_LARGE
              : packer.count(text, section.start(), section.end());
    }
    int max = packer.maxTokens();
    List<ChunkedText> chunks = new ArrayList<>();
    int i = 0;
    while (i < n) {
      Section first = sections.get(i);
      if (counts[i] > max) {
        for (TokenPacker.Slice slice : packer.pack(text, first.blocks())) {
          chunks.add(
              new ChunkedText(
                  text.substring(slice.start(), slice.end()), first.path(), slice.tokens()));
        }
        i++;
        continue;
      }
      int estimate = counts[i];
      int j = i + 1;
      while (j < n
          && sections.get(j).path().size() > first.path().size()
          && estimate + counts[j] - overhead <= max) {
        estimate += counts[j] - overhead;
        j++;
      }
      int tokens = counts[i];
      if (j > i + 1) {
        tokens = packer.count(text, first.start(), sections.get(j - 1).end());
        // Joins can add tokens the per-section counts missed: give back sections until it fits.
        while (tokens > max && j > i + 1) {
          j--;
          tokens =
              j > i + 1 ? packer.count(text, first.start(), sections.get(j - 1).end()) : counts[i];
        }
      }
      chunks.add(
          new ChunkedText(
              text.substring(first.start(), sections.get(j - 1).end()), first.path(), tokens));
      i = j;
    }
    return chunks;
  }

  private static List<Section> sections(String text) {
    List<Section> sections = new ArrayList<>();
    List<Integer> levels = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    List<String> path = List.of();
    List<TokenPacker.Block> current = new ArrayList<>();
    for (MdBlock block : blocks(text)) {
      if (block.level() > 0) {
        addSection(text, path, current, sections);
        current = new ArrayList<>();
        while (!levels.isEmpty() && levels.get(levels.size() - 1) >= block.level()) {
          levels.remove(levels.size() - 1);
          titles.remove(titles.size() - 1);
        }
        levels.add(block.level());
        titles.add(block.title());
        path = List.copyOf(titles);
      }
      current.add(new TokenPacker.Block(block.start(), block.end(), block.kind()));
    }
    addSection(text, path, current, sections);
    return sections;
  }

  private static void addSection(
      String text, List<String> path, List<TokenPacker.Block> blocks, List<Section> sections) {
    if (blocks.isEmpty()) {
      return;
    }
    int start = TokenPacker.skipSpace(text, blocks.get(0).start(), text.length());
    int end = TokenPacker.trimEnd(text, start, blocks.get(blocks.size() - 1).end());
    if (start < end) {
      sections.add(new Section(start, end, path, List.copyOf(blocks)));
    }
  }

  /** Paragraphs, fenced code blocks and headings, in order, by a line scan. */
  private static List<MdBlock> blocks(String text) {
    List<MdBlock> blocks = new ArrayList<>();
    int paragraphStart = -1;
    int paragraphLines = 0;
    String paragraphFirstLine = null;
    int fenceStart = -1;
    char fenceChar = 0;
    int fenceLength = 0;
    int lineStart = 0;
    while (true) {
      int newline = text.indexOf('\n', lineStart);
      int lineEnd = newline < 0 ? text.length() : newline;
      String line = text.substring(lineStart, lineEnd);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      Matcher m;
      if (fenceStart >= 0) {
        if (closesFence(line, fenceChar, fenceLength)) {
          blocks.add(new MdBlock(fenceStart, lineEnd, TokenPacker.Kind.CODE, 0, null));
          fenceStart = -1;
        }
      } else if (line.isBlank()) {
        closeParagraph(paragraphStart, lineStart, blocks);
        paragraphStart = -1;
      } else if ((m = FENCE_OPEN.matcher(line)).matches()
          && !(m.group(1).charAt(0) == '`' && m.group(2).indexOf('`') >= 0)) {
        closeParagraph(paragraphStart, lineStart, blocks);
        paragraphStart = -1;
        fenceStart = lineStart;
        fenceChar = m.group(1).charAt(0);
        fenceLength = m.group(1).length();
      } else if ((m = ATX.matcher(line)).matches()) {
        closeParagraph(paragraphStart, lineStart, blocks);
        paragraphStart = -1;
        String title =
            m.group(2) == null ? "" : CLOSING_HASHES.matcher(m.group(2)).replaceFirst("");
        blocks.add(
            new MdBlock(
                lineStart, lineEnd, TokenPacker.Kind.PROSE, m.group(1).length(), title.strip()));
      } else if (paragraphStart >= 0
          && paragraphLines == 1
          && SETEXT.matcher(line).matches()
          && !NOT_SETEXT_TEXT.matcher(paragraphFirstLine).find()) {
        int level = line.strip().charAt(0) == '=' ? 1 : 2;
        blocks.add(
            new MdBlock(
                paragraphStart,
                lineEnd,
                TokenPacker.Kind.PROSE,
                level,
                paragraphFirstLine.strip()));
        paragraphStart = -1;
      } else if (paragraphStart < 0) {
        paragraphStart = lineStart;
        paragraphLines = 1;
        paragraphFirstLine = line;
      } else {
        paragraphLines++;
      }
      if (newline < 0) {
        break;
      }
      lineStart = newline + 1;
    }
    if (fenceStart >= 0) {
      // An unclosed fence runs to the end of the document, as in CommonMark.
      blocks.add(new MdBlock(fenceStart, text.length(), TokenPacker.Kind.CODE, 0, null));
    }
    closeParagraph(paragraphStart, text.length(), blocks);
    return blocks;
  }

  private static void closeParagraph(int start, int end, List<MdBlock> blocks) {
    if (start >= 0) {
      blocks.add(new MdBlock(start, end, TokenPacker.Kind.PROSE, 0, null));
    }
  }

  private static boolean closesFence(String line, char fenceChar, int fenceLength) {
    int i = 0;
    while (i < line.length() && i < 3 && line.charAt(i) == ' ') {
      i++;
    }
    int run = 0;
    while (i + run < line.length() && line.charAt(i + run) == fenceChar) {
      run++;
    }
    return run >= fenceLength && line.substring(i + run).isBlank();
  }
}
