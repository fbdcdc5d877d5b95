package dev.qdrantloader.benchmarks;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.qdrantloader.pipelines.config.ChunkingSettings;
import dev.qdrantloader.transforms.chunk.ChunkingOptions;
import dev.qdrantloader.transforms.chunk.MarkdownChunker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The corpora of the remote-provider scenarios, generated from the Markdown corpus under the work
 * directory (never in place), and the chunk counts they are planned with: our Markdown chunker with
 * a cl100k token count, as the CLI counts for a remote provider.
 *
 * <ul>
 *   <li>{@link #distinctCopies}: the corpus copied until it holds a given number of chunks, every
 *       paragraph of copy k marked "(copy k)" so no chunk text repeats across copies (a run that
 *       skips repeated texts must not gain from the copying).
 *   <li>{@link #withDuplicates}: the corpus where some pages carry, after their own text, a whole
 *       page copied from another file, until a given share of all chunk texts repeat.
 * </ul>
 */
final class RemoteCorpora {
  /** The chunks a corpus is planned to give, and how it was made. */
  record Planned(long files, long chunks, long repeatedChunks, String how) {}

  private final MarkdownChunker chunker;

  /**
   * @param chunkTokens the chunk size the scenarios configure, in cl100k tokens
   */
  RemoteCorpora(int chunkTokens) {
    Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    this.chunker =
        new MarkdownChunker(
            cl100k::countTokensOrdinary,
            new ChunkingOptions(chunkTokens, ChunkingSettings.DEFAULT_CHUNK_OVERLAP));
  }

  int chunks(String page) {
    return chunker.chunk(page).size();
  }

  /**
   * Writes copies of the corpus's pages under {@code out} (copy-01, copy-02, ...) until they are
   * planned to give {@code targetChunks} chunks; the last copy may be partial.
   */
  Planned distinctCopies(Path corpus, Path out, long targetChunks) throws IOException {
    List<Path> pages = RerunScenario.documents(corpus);
    if (pages.isEmpty()) {
      throw new IllegalArgumentException("no Markdown documents under " + corpus);
    }
    long files = 0;
    long chunks = 0;
    int copy = 0;
    while (chunks < targetChunks) {
      copy++;
      Path dir = out.resolve(String.format(Locale.ROOT, "copy-%02d", copy));
      for (Path p : pages) {
        if (chunks >= targetChunks) {
          break;
        }
        String page =
            markParagraphs(
                Files.readString(corpus.resolve(p.toString()), StandardCharsets.UTF_8),
                " (copy " + copy + ")");
        write(dir.resolve(p.toString()), page);
        files++;
        chunks += chunks(page);
      }
    }
    return new Planned(
        files,
        chunks,
        0,
        String.format(
            Locale.ROOT,
            "%d cop%s of the corpus (the last one partial), every paragraph of copy k ending in"
                + " \"(copy k)\" so no chunk text repeats across copies",
            copy,
            copy == 1 ? "y" : "ies"));
  }

  /**
   * Writes the first {@code scale} of the corpus's pages (by a seeded shuffle; all with {@code
   * scale} 1) under {@code out}, the files at their own paths; going through the pages in shuffled
   * order, each gets, after its own text, a whole page copied from a file further along (a page
   * never copied twice, never a page that itself received one), until the copied pages' chunks
   * reach {@code repeatShare} of all chunks. Each copied page is a section of its own (tldr pages
   * have one level-1 heading, and sibling sections are never merged), so its chunks are the
   * original's chunk texts again.
   */
  Planned withDuplicates(Path corpus, Path out, double scale, double repeatShare, long seed)
      throws IOException {
    List<Path> pages = new ArrayList<>(RerunScenario.documents(corpus));
    Collections.shuffle(pages, new Random(seed));
    pages = pages.subList(0, Math.max(2, (int) Math.round(pages.size() * scale)));
    List<String> texts = new ArrayList<>(pages.size());
    List<Integer> counts = new ArrayList<>(pages.size());
    long unique = 0;
    for (Path p : pages) {
      String t = Files.readString(corpus.resolve(p.toString()), StandardCharsets.UTF_8);
      texts.add(t);
      counts.add(chunks(t));
      unique += counts.get(counts.size() - 1);
    }
    // repeated / (unique + repeated) = share  <=>  repeated = unique * share / (1 - share)
    long wanted = Math.round(unique * repeatShare / (1 - repeatShare));
    String[] appended = new String[pages.size()];
    long repeated = 0;
    int hosts = 0;
    int donor = pages.size() - 1;
    for (int host = 0; host < donor && repeated < wanted; host++, donor--) {
      appended[host] = texts.get(donor);
      repeated += counts.get(donor);
      hosts++;
    }
    for (int i = 0; i < pages.size(); i++) {
      String t = texts.get(i);
      if (appended[i] != null) {
        t = t.stripTrailing() + "\n\n" + appended[i];
      }
      write(out.resolve(pages.get(i).toString()), t);
    }
    return new Planned(
        pages.size(),
        unique + repeated,
        repeated,
        String.format(
            Locale.ROOT,
            "%,d tldr pages (seeded shuffle, seed %d); %,d of them (%.0f%%) carry, after their own"
                + " text, another file's whole page",
            pages.size(),
            seed,
            hosts,
            100.0 * hosts / pages.size()));
  }

  /** {@code page} with {@code mark} at the end of every paragraph (run of non-blank lines). */
  static String markParagraphs(String page, String mark) {
    String[] lines = page.split("\n", -1);
    StringBuilder s = new StringBuilder(page.length() + 64);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean last = i + 1 == lines.length || lines[i + 1].isBlank();
      s.append(line);
      if (!line.isBlank() && last) {
        s.append(mark);
      }
      if (i + 1 < lines.length) {
        s.append('\n');
      }
    }
    return s.toString();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
