package dev.qdrantloader.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes a {@code /metrics} endpoint at a fixed interval on one thread of its own, as a Prometheus
 * server would (its Accept and Accept-Encoding headers), and counts what it got: the metrics
 * scenario's load on the endpoint. The first scrape is at once.
 */
final class MetricsScraper implements AutoCloseable {
  /** Prometheus 2.x's Accept header: OpenMetrics first, then the text format. */
  static final String ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
          + "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  /** What the scraper saw. */
  record Scrapes(long scrapes, long bytes, long errors, double seconds, String lastError) {}

  private final URL url;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "metrics-scraper");
            t.setDaemon(true);
            return t;
          });
  private long scrapes;
  private long bytes;
  private long errors;
  private long nanos;
  private String lastError = "";

  private MetricsScraper(URL url) {
    this.url = url;
  }

  /** Starts scraping {@code url} every {@code periodMillis}, the first time now. */
  static MetricsScraper start(URL url, long periodMillis) {
    MetricsScraper s = new MetricsScraper(url);
    s.timer.scheduleAtFixedRate(s::scrape, 0, periodMillis, TimeUnit.MILLISECONDS);
    return s;
  }

  private void scrape() {
    long t0 = System.nanoTime();
    long got = 0;
    String error = null;
    try {
      HttpURLConnection c = (HttpURLConnection) url.openConnection();
      c.setRequestProperty("Accept", ACCEPT);
      c.setRequestProperty("Accept-Encoding", "gzip");
      c.setConnectTimeout(5_000);
      c.setReadTimeout(10_000);
      int status = c.getResponseCode();
      try (InputStream in = status == 200 ? c.getInputStream() : c.getErrorStream()) {
        byte[] buffer = new byte[16_384];
        for (int n; in != null && (n = in.read(buffer)) > 0; ) {
          got += n;
        }
      }
      if (status != 200) {
        error = "HTTP " + status;
      } else if (got == 0) {
        error = "empty response";
      }
    } catch (IOException | RuntimeException e) {
      error = e.toString();
    }
    synchronized (this) {
      nanos += System.nanoTime() - t0;
      if (error == null) {
        scrapes++;
        bytes += got;
      } else {
        errors++;
        lastError = error;
      }
    }
  }

  /** Stops scraping (a scrape under way finishes first) and says what was scraped. */
  Scrapes stop() {
    close();
    synchronized (this) {
      return new Scrapes(scrapes, bytes, errors, nanos / 1e9, lastError);
    }
  }

  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(15, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
