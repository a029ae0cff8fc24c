#!/usr/bin/env bash
# Real reports answered while CONNECTIONS connections trickle a body a byte a second (issue 13 §3): starts
# senim-intake (release, or SENIM_LOAD_BUILD=debug) with EXTRA arguments and runs trickle.py against it; prints
# each report's answer time and the intake's peak resident memory. Fails if a report is not answered within 2 s.
# Usage: Tests/Load/trickle.sh [CONNECTIONS] [EXTRA intake arguments...]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
connections="${1:-1000}"
shift || true
build="${SENIM_LOAD_BUILD:-release}"
swift build -c "$build" --product senim-intake >/dev/null
bin="$(swift build -c "$build" --show-bin-path)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
"$bin/senim-intake" --port "$port" --public-key Sources/TestSupport/Fixtures/test-only.pub --web Web \
    --spool "$work/spool.sqlite" --per-client-per-minute 0 --global-per-minute 0 "$@" >"$work/intake.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
status=0
python3 Tests/Load/trickle.py "$port" "$connections" 20 || status=$?
echo "intake peak resident memory: $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")"
echo "stored: $(sqlite3 "$work/spool.sqlite" 'SELECT COUNT(*) FROM envelope') reports"
exit "$status"
