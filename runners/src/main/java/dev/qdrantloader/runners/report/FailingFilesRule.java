package dev.qdrantloader.runners.report;

import static dev.qdrantloader.runners.report.AdviceText.configSeconds;
import static dev.qdrantloader.runners.report.AdviceText.count;
import static dev.qdrantloader.runners.report.AdviceText.percent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code failing-files}: one kind of read or conversion failure that configuration can avoid hit at
 * least 10 files and at least 5% of the files listed (when the run counted them). Failed files are
 * tried again every run, so they cost every run. One piece of advice per such kind, the most
 * frequent first: files over {@code max_file_size} (raise it to the largest, or exclude them),
 * conversions that timed out (raise {@code conversion_timeout}), files without text (narrow {@code
 * file_types}), password-protected files (exclude them).
 */
final class FailingFilesRule implements TuningAdvice.Rule {
  static final String ID = "failing-files";
  static final long MIN_FILES = 10;
  static final double MIN_SHARE = 0.05;

  static final String LISTED = "ReadDocuments.documents_listed";

  /** Kinds of failure by what their reasons say (the texts of ReadDocuments and the converter). */
  enum Kind {
    OVERSIZED("over the source's max_file_size"),
    TIMED_OUT("conversion timed out"),
    NO_TEXT("no extractable text", "binary content in a text file", "content does not match the ."),
    ENCRYPTED("(password protected)");

    private final List<String> marks;

    Kind(String... marks) {
      this.marks = List.of(marks);
    }

    static Kind of(RunFigures.Failed f) {
      if (f.reason() == null || !("read".equals(f.stage()) || "convert".equals(f.stage()))) {
        return null;
      }
      for (Kind k : values()) {
        if (k.marks.stream().anyMatch(f.reason()::contains)) {
          return k;
        }
      }
      return null;
    }
  }

  private static final Pattern SIZES =
      Pattern.compile("file is (\\d+) bytes, over the source's max_file_size of (\\d+) bytes");

  @Override
  public String id() {
    return ID;
  }

  @Override
  public List<RunReport.Advice> advise(RunFigures run) {
    RunReport.Settings s = run.settings();
    if (s == null) {
      return List.of();
    }
    Map<Kind, Long> counts = new LinkedHashMap<>();
    Map<Kind, Map<String, Long>> reasons = new LinkedHashMap<>();
    long largest = 0;
    long limit = 0;
    for (RunFigures.Failed f : run.failures()) {
      Kind k = Kind.of(f);
      if (k == null) {
        continue;
      }
      counts.merge(k, f.count(), Long::sum);
      reasons
          .computeIfAbsent(k, x -> new LinkedHashMap<>())
          .merge(f.reason(), f.count(), Long::sum);
      Matcher m = SIZES.matcher(f.reason());
      if (k == Kind.OVERSIZED && m.find()) {
        largest = Math.max(largest, Long.parseLong(m.group(1)));
        limit = Math.max(limit, Long.parseLong(m.group(2)));
      }
    }
    long listed = run.counter(LISTED);
    List<Map.Entry<Kind, Long>> kinds = new ArrayList<>(counts.entrySet());
    kinds.sort(Map.Entry.<Kind, Long>comparingByValue().reversed());
    List<RunReport.Advice> out = new ArrayList<>();
    for (Map.Entry<Kind, Long> e : kinds) {
      long n = e.getValue();
      if (n < MIN_FILES || (listed > 0 && n < MIN_SHARE * listed)) {
        continue;
      }
      String files =
          count(n)
              + " files"
              + (listed > 0 ? " (" + percent((double) n / listed) + " of those listed)" : "");
      out.add(
          switch (e.getKey()) {
            case OVERSIZED -> oversized(files, largest, limit > 0 ? limit : s.maxFileSize());
            case TIMED_OUT ->
                new RunReport.Advice(
                    ID,
                    "raise global.file_conversion.conversion_timeout from "
                        + configSeconds(s.conversionTimeoutSeconds())
                        + " to "
                        + configSeconds(2.0 * s.conversionTimeoutSeconds())
                        + ", or leave these files out with exclude_paths",
                    files
                        + " timed out converting (conversion_timeout "
                        + configSeconds(s.conversionTimeoutSeconds())
                        + ")");
            case NO_TEXT ->
                new RunReport.Advice(
                    ID,
                    "narrow the sources' file_types (or add exclude_paths) to files with text",
                    files
                        + " had no text to extract, most often: "
                        + mostFrequent(reasons.get(Kind.NO_TEXT)));
            case ENCRYPTED ->
                new RunReport.Advice(
                    ID,
                    "leave the password-protected files out with exclude_paths",
                    files + " were encrypted (password protected)");
          });
    }
    return out;
  }

  private static RunReport.Advice oversized(String files, long largest, long limit) {
    String change =
        largest > 0
            ? "raise max_file_size to "
                + largest
                + " (global.file_conversion and the source's)"
                + ", or leave these files out with exclude_paths or file_types"
            : "raise max_file_size (global.file_conversion and the source's), or leave these"
                + " files out with exclude_paths or file_types";
    String because =
        files
            + " were over max_file_size ("
            + count(limit)
            + " bytes)"
            + (largest > 0 ? "; the largest has " + count(largest) + " bytes" : "");
    return new RunReport.Advice(ID, change, because);
  }

  private static String mostFrequent(Map<String, Long> reasons) {
    return reasons.entrySet().stream()
        .max(Comparator.comparing(Map.Entry<String, Long>::getValue))
        .map(Map.Entry::getKey)
        .orElse("");
  }
}
