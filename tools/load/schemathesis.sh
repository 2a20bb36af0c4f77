#!/usr/bin/env bash
# Fuzzes every route of a running-for-the-occasion `quire serve` from its /openapi.json with
# Schemathesis (from PyPI, in a virtualenv outside the repository), as an admin key, and fails on
# any 5xx other than the deliberate 503 MODEL_NOT_LOADED of a server without a model.
#   tools/load/schemathesis.sh [SECONDS]      (default 240)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bin/find-jdk.sh"
quire_find_jdk
venv=${SCHEMATHESIS_VENV:-$HOME/.cache/quire/schemathesis-venv}
[ -x "$venv/bin/schemathesis" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q schemathesis; }
data=$(mktemp -d)
port=${PORT:-7880}
key=schemathesis-admin-key-0123
read -r -a jvm < "$root/server/target/quire/jvm.options"
QUIRE_API_KEYS="ops:$key:*:admin" QUIRE_RATE_LIMIT_REQUESTS=1000000000 \
  "$JAVA_HOME/bin/java" "${jvm[@]}" -cp "$root/server/target/quire/lib/*" dev.quire.cli.QuireCli \
  serve --data "$data" --port "$port" --no-sample > "$data/access.log" 2> "$data/server.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 1; done

# Something to search, page through and delete: two pages rendered by the server's own reader.
python3 - "$port" "$key" <<'PY'
import struct, sys, urllib.request, zlib
port, key = sys.argv[1], sys.argv[2]
def png(rgb, w=32, h=24):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
body = b""
for name, rgb in (("red.png", (208, 32, 32)), ("blue.png", (32, 64, 208))):
    body += f'--b0und\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'.encode() + png(rgb) + b"\r\n"
body += b"--b0und--\r\n"
request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/index?collection=default", data=body,
    headers={"Content-Type": "multipart/form-data; boundary=b0und", "X-API-Key": key})
urllib.request.urlopen(request).read()
PY
sleep 2

set +e
"$venv/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" -H "X-API-Key: $key" \
  -c not_a_server_error --max-time "${1:-240}" -w 2 --request-timeout 20 | tee "$data/report.txt"
set -e
echo "--- responses by status"
grep -o '"status":[0-9]*' "$data/access.log" | sort | uniq -c | sort -rn
unexpected=$(grep -E '"status":5[0-9][0-9]' "$data/access.log" | grep -v '"status":503,.*"error":"MODEL_NOT_LOADED"' || true)
if [ -n "$unexpected" ]; then
  echo "5xx answers other than MODEL_NOT_LOADED:"; echo "$unexpected"; exit 1
fi
echo "no 5xx other than the deliberate 503 MODEL_NOT_LOADED"
