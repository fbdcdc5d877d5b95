#!/usr/bin/env bash
# Runs the benchmarks and rewrites their sections of BENCHMARKS.md with the figures of this run
# (raw figures: benchmarks/results/*.json).
#
#   ./benchmarks/run.sh [--corpus DIR] [--scenarios LIST] [--runs N] [--memory-copies N] [--quick]
#                       [--scale F] [--remote-sides ours,peer]
#
# Scenarios (comma-separated; default: all):
#   cold      qdrant-loader ingest of the corpus, embedded defaults, empty workspace
#   spark     the cold ingest with --runner spark (Spark local on every core), beside cold's figures
#   rerun     ingest again on the ingested state (the cold scenario's last workspace, else a cold
#             ingest of its own), on a copy of the corpus: unchanged, then with 1% of the
#             documents edited (one paragraph each, a different set each run)
#   limit     the cold run's chunk texts embedded whole, straight through ONNX Runtime (runs cold)
#   overhead  the same pipeline with a zero-cost embedder
#   metrics   what observing a run costs: --runs pairs of overhead runs, observation off and on
#             (progress monitor, /metrics scraped every second), and JMH's cost of a Beam metric
#             update
#   peer      LangChain4j's EmbeddingStoreIngestor: same model, splitter size and server
#   memory    peak RSS of the cold ingest of the corpus copied --memory-copies times (runs cold)
#   remote    ours and LangChain4j's OpenAiEmbeddingModel + EmbeddingStoreIngestor against a fake
#             remote provider (50 ms + 2 ms per input, <= 2,048 inputs per request), 50,000 chunks
#   duplicates  ours against the fake provider on a corpus where 30% of chunk texts repeat: how
#             many chunks are sent
#   local-qdrant  JMH: the embedded Qdrant server's upsert throughput and search latency
# --corpus      default ../shared/corpus/tldr (beside this repository)
# --runs        runs per pipeline scenario (per kind of re-run; pairs for metrics), each run in a
#               fresh JVM (default 3)
# --memory-copies  copies of the corpus for the memory scenario (default 10)
# --quick       shorter JMH iterations for local-qdrant (noisier)
# --scale       fraction of the remote (50,000 chunks) and duplicates corpora, for dry runs (default 1)
# --remote-sides  which sides the remote scenario runs (default ours,peer)
# The full default run takes about an hour and a half on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

command="./benchmarks/run.sh${*:+ $*}"
quick=false
scenarios="cold,spark,rerun,limit,overhead,metrics,peer,memory,remote,duplicates,local-qdrant"
corpus="../shared/corpus/tldr"
runs=3
copies=10
scale=1
sides=ours,peer
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true; shift ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    --corpus) corpus="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --memory-copies) copies="$2"; shift 2 ;;
    --scale) scale="$2"; shift 2 ;;
    --remote-sides) sides="$2"; shift 2 ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
done

mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
mkdir -p benchmarks/results

pipeline=()
for scenario in ${scenarios//,/ }; do
  case "$scenario" in
    cold|spark|rerun|limit|overhead|metrics|peer|memory|remote|duplicates) pipeline+=("$scenario") ;;
    local-qdrant)
      json=benchmarks/results/local-qdrant.json
      jmh_args=()
      if $quick; then jmh_args=(-wi 1 -i 2 -w 3s -r 3s); fi
      java -jar "$jar" 'LocalQdrant(Upsert|Search)Benchmark' "${jmh_args[@]}" -rf json -rff "$json"
      java -cp "$jar" dev.qdrantloader.benchmarks.LocalQdrantReport "$json" BENCHMARKS.md \
        "./benchmarks/run.sh --scenarios local-qdrant$($quick && echo ' --quick' || true)"
      echo "BENCHMARKS.md: local-qdrant section rewritten (raw JMH results: $json)"
      ;;
    *) echo "unknown scenario: $scenario (try --help)" >&2; exit 2 ;;
  esac
done

if [ ${#pipeline[@]} -gt 0 ]; then
  if [ ! -d "$corpus" ]; then
    echo "corpus not found: $corpus (give one with --corpus DIR)" >&2
    exit 2
  fi
  list=$(IFS=,; echo "${pipeline[*]}")
  # 2g: the remote scenarios' fake provider runs in this JVM and builds responses of up to 2,048
  # vectors for many requests at once.
  java -Xmx2g -cp "$jar" dev.qdrantloader.benchmarks.PipelineBenchmarks \
    --repo . --corpus "$corpus" --work benchmarks/target/pipeline-work \
    --scenarios "$list" --runs "$runs" --memory-copies "$copies" --scale "$scale" \
    --remote-sides "$sides" --command "$command"
fi
