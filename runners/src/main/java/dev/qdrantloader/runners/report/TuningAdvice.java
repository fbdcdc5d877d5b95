package dev.qdrantloader.runners.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Rules over a finished run's figures that suggest concrete configuration changes, each with the
 * figures that triggered it. Every rule has a stable id, a threshold (in its Javadoc) and a minimum
 * sample, so a small run, whose figures are noise, gets no advice; a balanced run gets none either.
 * Rules are listed, and their advice returned, in order of expected impact on the next run.
 */
public final class TuningAdvice {
  private TuningAdvice() {}

  /** One rule: a stable id and what it advises on a run (nothing, usually). */
  interface Rule {
    String id();

    List<RunReport.Advice> advise(RunFigures run);
  }

  /** Every rule, by expected impact. */
  static final List<Rule> RULES =
      List.of(
          new EmbeddingRules.Throttled(),
          new EmbeddingRules.ConcurrencyLimited(),
          new EmbeddingRules.Underfed(),
          new EmbeddingRules.LocalModelBound(),
          new HeapRule(),
          new EmbeddingRules.Timeouts(),
          new EmbeddingRules.SmallRequests(),
          new EmbeddingRules.RepeatedTexts(),
          new FailingFilesRule());

  /** The advice for a run, most impact first; empty when nothing stands out. */
  public static List<RunReport.Advice> advise(RunReport report) {
    RunFigures run = new RunFigures(report);
    List<RunReport.Advice> out = new ArrayList<>();
    for (Rule rule : RULES) {
      out.addAll(rule.advise(run));
    }
    return List.copyOf(out);
  }

  /** The ids of every rule, in order. */
  public static List<String> ruleIds() {
    return RULES.stream().map(Rule::id).toList();
  }
}
