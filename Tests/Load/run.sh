#!/usr/bin/env bash
# The intake under load, in one command: the crypto ceiling, then senim-intake (release) on loopback with a fresh
# spool, driven by wrk with realistic form posts; prints accepted reports per second, p50/p99/max latency, the
# server's peak resident memory and the ratio of throughput to the crypto ceiling.
# Fails when any request got an error or an answered report is missing from the spool.
# Usage: Tests/Load/run.sh [SECONDS] [CONNECTIONS]   (default 30 s, 64 connections)
#        SENIM_LOAD_BUILD=debug runs the debug build instead (CI's short smoke run; its numbers mean nothing)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-30}"
connections="${2:-64}"
build="${SENIM_LOAD_BUILD:-release}"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
swift build -c "$build" --product senim-intake >/dev/null
swift build -c "$build" --product senim-bench >/dev/null
bin="$(swift build -c "$build" --show-bin-path)"
ceiling="$("$bin/senim-bench" seal | tee /dev/stderr | sed -n 's/.*= \([0-9]*\) reports\/s/\1/p')"

work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
"$bin/senim-intake" --port "$port" --public-key Sources/TestSupport/Fixtures/test-only.pub --web Web \
    --spool "$work/spool.sqlite" --per-client-per-minute 0 --global-per-minute 0 >"$work/intake.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

out="$(wrk -t2 -c"$connections" -d"${seconds}s" -s Tests/Load/post.lua "http://127.0.0.1:$port" 2>&1)"
peak_kb="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
kill "$pid"
wait "$pid" 2>/dev/null || true
stored="$(sqlite3 "$work/spool.sqlite" 'SELECT COUNT(*) FROM envelope')"
echo "$out" | grep '^LOAD'
duration="$(echo "$out" | sed -n 's/.*duration_s=\([0-9.]*\).*/\1/p')"
awk -v stored="$stored" -v duration="$duration" -v peak="$peak_kb" -v ceiling="$ceiling" 'BEGIN {
    rate = stored / duration
    printf "accepted and stored: %d reports in %.1f s = %.0f reports/s\n", stored, duration, rate
    printf "server peak resident memory: %.1f MB\n", peak / 1024
    printf "throughput / crypto ceiling: %.0f / %d = %.1f%%\n", rate, ceiling, 100 * rate / ceiling
}'
requests="$(echo "$out" | sed -n 's/.*LOAD requests=\([0-9]*\).*/\1/p')"
errors="$(echo "$out" | sed -n 's/.*errors=\([0-9]*\).*/\1/p')"
if [[ "$errors" != "0" || "$stored" -lt "$requests" ]]; then
    echo "load: $errors errors; $requests answered, $stored stored" >&2
    exit 1
fi
