package dev.qdrantloader.runners.report;

/**
 * The report's stylesheet, inlined into the page: system fonts only, and a 1120 px column that the
 * charts' widths ({@link SvgCharts#WIDE}, {@link SvgCharts#HALF}) are drawn for.
 */
final class ReportStyle {
  private ReportStyle() {}

  static final String CSS =
      """
      :root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f5f6f8;--card:#fff;--link:#1d4ed8}
      *{box-sizing:border-box}
      html{-webkit-text-size-adjust:100%}
      body{margin:0;background:var(--bg);color:var(--fg);
        font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
        font-variant-numeric:tabular-nums}
      main{max-width:1152px;margin:0 auto;padding:28px 16px 40px}
      .mono,code{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;
        font-size:12.5px}
      a{color:var(--link)}
      header.top{margin-bottom:18px}
      .brand{color:var(--muted);font-size:12px;letter-spacing:.06em;text-transform:uppercase}
      h1{font-size:24px;font-weight:650;margin:4px 0 14px;display:flex;align-items:center;gap:12px;
        flex-wrap:wrap}
      h1 .mono{font-size:22px}
      h2{font-size:16px;font-weight:650;margin:0 0 12px}
      h3{font-size:13px;font-weight:600;color:var(--muted);margin:16px 0 8px}
      .status{font-size:12px;font-weight:600;padding:3px 10px;border-radius:999px;
        text-transform:uppercase;letter-spacing:.04em}
      .status.ok{background:#dcfce7;color:#166534}
      .status.warn{background:#fef3c7;color:#92400e}
      .status.bad{background:#fee2e2;color:#991b1b}
      .status.neutral{background:#e5e7eb;color:#374151}
      dl{margin:0}
      dl.meta{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:10px 24px;
        background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 20px}
      dl.meta div:nth-last-child(-n+2){grid-column:1/-1}
      dt{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.05em}
      dd{margin:2px 0 0;overflow-wrap:anywhere}
      .chip{display:inline-block;background:#f3f4f6;border:1px solid var(--line);border-radius:4px;
        padding:0 6px;margin:0 4px 4px 0;font-size:12.5px;color:var(--muted)}
      .chip b{color:var(--fg);font-weight:600}
      .digest{color:#374151}
      section{background:var(--card);border:1px solid var(--line);border-radius:8px;
        padding:18px 20px;margin:0 0 18px}
      section#charts{background:none;border:0;padding:0}
      section#charts>h2{margin-left:2px}
      section#charts>.empty{margin:0 0 12px}
      figure.card{background:var(--card);border:1px solid var(--line);border-radius:8px;
        padding:16px 20px 10px;margin:0 0 18px}
      figcaption{font-weight:600;margin-bottom:6px}
      .pair{display:grid;grid-template-columns:1fr 1fr;gap:20px}
      .pair figure.card{margin:0}
      svg.chart{display:block;width:100%;height:auto;overflow:visible}
      svg.chart .hover rect:hover{fill-opacity:.06}
      ul.legend{list-style:none;margin:0 0 6px;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;
        font-size:12.5px;color:#374151}
      .swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;
        vertical-align:0}
      .tiles{display:flex;flex-wrap:wrap;gap:10px;align-items:stretch;margin-bottom:10px}
      .tiles .group{width:130px;color:var(--muted);font-size:12px;text-transform:uppercase;
        letter-spacing:.05em;padding-top:14px}
      .tile{min-width:112px;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
      .tile .fig{font-size:20px;font-weight:650}
      .tile .cap{color:var(--muted);font-size:12px}
      .tile.bad{border-color:#fca5a5;background:#fef2f2}
      .tile.bad .fig{color:#b91c1c}
      table{border-collapse:collapse;width:100%}
      th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
      th{font-size:11.5px;font-weight:600;color:var(--muted);text-transform:uppercase;
        letter-spacing:.04em;border-bottom-color:#d1d5db}
      tbody tr:hover{background:#f9fafb}
      .n{text-align:right;white-space:nowrap}
      td.path,td.reason{overflow-wrap:anywhere}
      table.failures td{font-size:13px}
      .share{display:inline-flex;align-items:center;gap:8px;white-space:nowrap}
      .track{display:inline-block;width:120px;height:8px;background:#f1f3f5;border-radius:4px;
        overflow:hidden}
      .fill{display:block;height:100%}
      .note{color:var(--muted);font-size:12.5px;margin:10px 0 0}
      .empty{color:var(--muted);font-style:italic;margin:0}
      .none{color:#9ca3af}
      dl.kv{display:grid;grid-template-columns:220px 1fr;gap:6px 16px}
      dl.kv div{display:contents}
      dl.kv dt{padding-top:2px}
      dl.kv dd{margin:0}
      dl.settings dt{text-transform:none;letter-spacing:0;font-size:12.5px;
        font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace}
      ul.advice{list-style:none;margin:0;padding:0}
      ul.advice li{border-left:3px solid #f59e0b;background:#fffbeb;padding:8px 12px;margin:0 0 8px;
        border-radius:0 6px 6px 0}
      .advice .rule{color:#92400e;font-size:11.5px}
      .advice .what{font-weight:600}
      .advice .why{color:#4b5563;font-size:13px}
      ul.warnings{margin:0;padding-left:18px}
      details summary{cursor:pointer;color:var(--link)}
      table.counters{margin-top:8px}
      footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
      @media (max-width:900px){.pair{grid-template-columns:1fr}
        dl.meta{grid-template-columns:1fr 1fr}}
      """;
}
