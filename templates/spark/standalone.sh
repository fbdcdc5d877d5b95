#!/usr/bin/env bash
# A Spark 3.5 standalone cluster on this machine without a Spark download: one master and one
# worker on 127.0.0.1, run from the jars Maven resolved for templates/spark (the jars/ folder of a
# Spark distribution). Runs in the foreground; Ctrl-C (or SIGTERM) stops both.
#
#   templates/spark/standalone.sh [--port 7077] [--webui-port 8080] [--cores 2] [--memory 2g]
#
# $SPARK_HOME (default templates/spark/target/spark-home) gets jars/ (links to the Maven jars),
# and the worker's work/ (executor logs). Submit to spark://127.0.0.1:<port> with the same
# SPARK_HOME: see "Run on Spark" in the README.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
port=7077 webui=8080 cores=2 memory=2g
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --webui-port) webui="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    *) echo "standalone.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

classpath="$here/target/spark-classpath.txt"
if [ ! -f "$classpath" ]; then
  echo "standalone.sh: $classpath is missing: build first (mvn -q install -DskipTests)" >&2
  exit 2
fi
export SPARK_HOME="${SPARK_HOME:-$here/target/spark-home}"
mkdir -p "$SPARK_HOME/jars"
# Links from an earlier classpath would put two versions of a jar on it.
find "$SPARK_HOME/jars" -maxdepth 1 -type l -delete
IFS=: read -r -a jars < "$classpath" || true  # no newline at the end
for j in "${jars[@]}"; do
  ln -sfn "$j" "$SPARK_HOME/jars/$(basename "$j")"
done
# The worker builds the executors' command from $SPARK_HOME/jars only when it knows the Scala
# version; SPARK_LOCAL_IP keeps every service on loopback.
export SPARK_SCALA_VERSION=2.12
export SPARK_LOCAL_IP=127.0.0.1

# Spark on Java 17 (Spark's own list of module flags).
flags=(-XX:+IgnoreUnrecognizedVMOptions -Djdk.reflect.useDirectMethodHandle=false)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
    sun.security.action sun.util.calendar; do
  flags+=("--add-opens=java.base/$p=ALL-UNNAMED")
done

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
pids=()
stop() {
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  wait || true
}
trap stop EXIT
trap 'exit 0' INT TERM

# Master and worker only schedule: a small heap and the quick JIT (C1) leave the cores to executors.
daemon=(-Xmx512m -XX:TieredStopAtLevel=1)
"$java" "${flags[@]}" "${daemon[@]}" -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$webui" &
pids+=($!)
"$java" "${flags[@]}" "${daemon[@]}" -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker \
  --host 127.0.0.1 --webui-port 0 --cores "$cores" --memory "$memory" \
  --work-dir "$SPARK_HOME/work" "spark://127.0.0.1:$port" &
pids+=($!)
echo "standalone.sh: master spark://127.0.0.1:$port (web UI http://127.0.0.1:$webui), SPARK_HOME=$SPARK_HOME"
wait -n
echo "standalone.sh: a Spark process ended; stopping the other" >&2
exit 1
