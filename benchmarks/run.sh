#!/usr/bin/env bash
# Runs the benchmarks and rewrites their sections of BENCHMARKS.md with the figures of this run.
#
#   ./benchmarks/run.sh [--quick] [--scenarios local-qdrant]
#
# --quick runs shorter JMH iterations (a smoke run; figures are noisier).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
scenarios="local-qdrant"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true; shift ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (try --help)" >&2; exit 2 ;;
  esac
done

mvn -B -q -Pbenchmarks -pl benchmarks -am package -DskipTests
jar=benchmarks/target/benchmarks.jar
mkdir -p benchmarks/target/results

for scenario in ${scenarios//,/ }; do
  case "$scenario" in
    local-qdrant)
      json=benchmarks/target/results/local-qdrant.json
      jmh_args=()
      if $quick; then jmh_args=(-wi 1 -i 2 -w 3s -r 3s); fi
      java -jar "$jar" 'LocalQdrant(Upsert|Search)Benchmark' "${jmh_args[@]}" -rf json -rff "$json"
      java -cp "$jar" dev.qdrantloader.benchmarks.LocalQdrantReport "$json" BENCHMARKS.md \
        "./benchmarks/run.sh --scenarios local-qdrant$($quick && echo ' --quick' || true)"
      echo "BENCHMARKS.md: local-qdrant section rewritten (raw JMH results: $json)"
      ;;
    *) echo "unknown scenario: $scenario" >&2; exit 2 ;;
  esac
done
