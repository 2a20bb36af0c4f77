#!/usr/bin/env bash
# Load benchmark of POST /v1/search: builds a synthetic 100,000-page collection (random unit
# vectors, 1030 tokens x 128 dims, ~28 GB) once, starts a server over it, warms it up, then runs
# wrk at 1, 8 and 64 connections and prints QPS and latency percentiles for each.
#   tools/load/run.sh [DATA_DIR] [PAGES]     (default /work/bench-data, 100000)
#   SCORERS=hamming,asymmetric tools/load/run.sh ...   rescores from the binary codes only
# Needs wrk (apt-get install wrk) and a built launcher (./quire --version builds it).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bin/find-jdk.sh"
quire_find_jdk
data=${1:-/work/bench-data}
pages=${2:-100000}
port=${PORT:-7870}
duration=${DURATION:-30s}
lib="$root/server/target/quire/lib/*"
read -r -a jvm < "$root/server/target/quire/jvm.options"

if [ ! -f "$data/queries.txt" ]; then
  need=$(( pages * 290 / 1024 / 1024 + 2 ))
  free=$(df -Pm "$(dirname "$data")" | awk 'NR==2 {print int($4/1024)}')
  if [ "$free" -lt "$need" ]; then
    echo "need about ${need} GB free for $pages pages, have ${free} GB" >&2
    exit 1
  fi
  "$JAVA_HOME/bin/java" "${jvm[@]}" -Xmx3g -cp "$lib" "$root/tools/load/SyntheticBench.java" build "$data" "$pages" 1000
fi

log="$data/server.log"
"$JAVA_HOME/bin/java" "${jvm[@]}" -Xmx4g -XX:+UseParallelGC -cp "$lib" \
  "$root/tools/load/SyntheticBench.java" serve "$data" "$port" > "$data/access.log" 2> "$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
  sleep 1
done
curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { echo "server did not start; see $log" >&2; exit 1; }

export QUERIES="$data/queries.txt"
cd "$root/tools/load"
echo "rescoring chain: ${SCORERS:-hamming,half (the default)}"
echo "warm-up (JIT, page cache)..."
wrk -t2 -c8 -d"${WARMUP:-60s}" -s search.lua "http://127.0.0.1:$port" > /dev/null
for c in 1 8 64; do
  t=$(( c < 2 ? 1 : 2 ))
  echo "=== $c connections, $duration"
  wrk -t"$t" -c"$c" -d"$duration" --timeout 10s --latency -s search.lua "http://127.0.0.1:$port" \
    | grep -E "Latency|50%|75%|90%|99%|Requests/sec|requests in|Non-2xx|Socket errors"
done
echo "=== server after the runs"
curl -s "http://127.0.0.1:$port/health"; echo
grep -E "^(jvm_memory_used_bytes\{area=\"heap\"|jvm_buffer_memory_used_bytes|quire_index_store_bytes)" \
  <(curl -s "http://127.0.0.1:$port/metrics") || true
echo "=== mean time per search stage (ms), over every query the server answered"
curl -s "http://127.0.0.1:$port/metrics" | awk '
  /^quire_search_stage_seconds_sum/ { match($0, /stage="[^"]*"/); s = substr($0, RSTART + 7, RLENGTH - 8); sum[s] = $2 }
  /^quire_search_stage_seconds_count/ { match($0, /stage="[^"]*"/); s = substr($0, RSTART + 7, RLENGTH - 8); n[s] = $2 }
  END { for (s in n) if (n[s] > 0) printf "  %-13s %8.2f  (%d queries)\n", s, 1000 * sum[s] / n[s], n[s] }'
