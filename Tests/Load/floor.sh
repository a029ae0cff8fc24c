#!/usr/bin/env bash
# The machine's floor for the load test: the same wrk load as Tests/Load/run.sh against a minimal C epoll server
# (Tests/Load/floor.c) that answers without sealing, then with one crypto_box_seal of 4 KiB per request; and
# senim-intake's cost per request for GET /healthz. Shows what any design could reach here with wrk on the same
# cores, before routing, validation and durable storage. Needs gcc, libsodium-dev, wrk and a release build.
# Usage: Tests/Load/floor.sh [SECONDS]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-10}"
work="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -o "$work/floor" Tests/Load/floor.c $(pkg-config --cflags --libs libsodium) -lpthread
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # LABEL URL [LUA]
    local before after rate
    before="$(ticks "$pid")"
    rate="$(wrk -t2 -c64 -d"${seconds}s" ${3:+-s "$3"} "$2" | sed -n 's/Requests\/sec: *//p')"
    after="$(ticks "$pid")"
    awk -v label="$1" -v rate="$rate" -v cpu="$((after - before))" -v s="$seconds" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%s: %.0f requests/s, server CPU %.1f µs per request\n", label, rate, cpu / hz / (rate * s) * 1e6 }'
}
for seal in 0 1; do
    port=$((20000 + RANDOM % 20000))
    "$work/floor" "$port" "$seal" &
    pid=$!
    sleep 0.5
    measure "C floor, form posts, seal=$seal" "http://127.0.0.1:$port/report" Tests/Load/post.lua
    kill "$pid"
    wait "$pid" 2>/dev/null || true
done
swift build -c release --product senim-intake >/dev/null 2>&1
bin="$(swift build -c release --show-bin-path)"
"$bin/senim-intake" --port 0 --public-key Sources/TestSupport/Fixtures/test-only.pub --web Web \
    --spool "$work/spool.sqlite" --per-client-per-minute 0 --global-per-minute 0 >"$work/intake.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/intake.log" && break; sleep 0.1; done
port="$(grep -o 'listening on [^ ]*' "$work/intake.log" | sed 's/.*://')"
measure "senim-intake, GET /healthz" "http://127.0.0.1:$port/healthz"
# The same posts with the hidden honeypot field filled: the intake reads and decodes them and answers "received",
# but validates, seals and stores nothing.
sed 's|&danger=no&text=|\&danger=no\&website=x\&text=|' Tests/Load/post.lua >"$work/honeypot.lua"
measure "senim-intake, form posts caught by the honeypot" "http://127.0.0.1:$port" "$work/honeypot.lua"
measure "senim-intake, form posts (validated, sealed, stored)" "http://127.0.0.1:$port" Tests/Load/post.lua
