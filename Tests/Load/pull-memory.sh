#!/usr/bin/env bash
# Peak memory of both sides of a pull of COUNT maximum-size reports over HTTP (issue 13 §4): starts senim-intake
# (release, or SENIM_LOAD_BUILD=debug) for a fresh journal, posts COUNT reports each at every field's limit (text of
# 20,000 scalars, most of them four-byte emoji, names and contact at theirs), then runs `senim pull --from` under
# /usr/bin/time; prints the intake's and senim's peak resident memory and how many reports the journal took.
# Usage: Tests/Load/pull-memory.sh [COUNT]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
count="${1:-1000}"
build="${SENIM_LOAD_BUILD:-release}"
swift build -c "$build" --product senim-intake >/dev/null
swift build -c "$build" --product senim >/dev/null
bin="$(swift build -c "$build" --show-bin-path)"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
echo "TEST ONLY pull memory passphrase" >"$work/passphrase"
SENIM_LANG=en "$bin/senim" init --journal "$work/journal" --passphrase-file "$work/passphrase" >/dev/null
port=$((20000 + RANDOM % 20000))
"$bin/senim-intake" --port "$port" --public-key "$work/journal/safety-service.pub" \
    --collector-key "$work/journal/collector.pub" --web Web --spool "$work/spool.sqlite" \
    --per-client-per-minute 0 --global-per-minute 0 >"$work/intake.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
python3 - "$port" "$count" <<'PY'
import socket, sys, urllib.parse
port, count = int(sys.argv[1]), int(sys.argv[2])
text = ("Мені ұрады 😢" * 2000)[:20000]
body = urllib.parse.urlencode({
    "lang": "kk", "reporter": "student-self", "what": "bullying", "where": "school", "when": "today", "danger": "no",
    "text": text, "names": ("Әлия 😢" * 400)[:2000], "contact": ("😢" * 300), "class": "7Б", "website": ""}).encode()
for _ in range(count):
    request = (f"POST /report HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(request)
        answer = s.recv(64)
        assert answer.startswith(b"HTTP/1.1 303"), answer
print(f"posted {count} reports of {len(body)} bytes each")
PY
echo "spool: $(sqlite3 "$work/spool.sqlite" 'SELECT COUNT(*), SUM(LENGTH(envelope)) FROM envelope')"
intake_before="$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")"
SENIM_LANG=en /usr/bin/time -v "$bin/senim" pull --from "http://127.0.0.1:$port" --journal "$work/journal" \
    --passphrase-file "$work/passphrase" --json >"$work/pull.json" 2>"$work/time.txt" || { cat "$work/time.txt" >&2; exit 1; }
echo "pull: $(tr -d ' \n' <"$work/pull.json")"
echo "senim pull peak resident memory: $(awk -F': ' '/Maximum resident/ {printf "%.1f MB", $2 / 1024}' "$work/time.txt")"
echo "intake peak resident memory: ${intake_before} MB after the posts, $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status") after the pull"
echo "spool after the pull: $(sqlite3 "$work/spool.sqlite" 'SELECT COUNT(*) FROM envelope') envelopes"
