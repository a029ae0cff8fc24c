#!/usr/bin/env bash
# The intake's CPU per request for a report, a check with a real code, a check with a code no report has,
# and /healthz (issue 17): process CPU time (utime + stime) before and after 10 s of wrk, divided by the requests.
# Needs a release build: swift build -c release --product senim-intake
set -e
cd "$(dirname "$0")/../.."
D=$(mktemp -d); P=$((20000 + RANDOM % 20000))
.build/release/senim-intake --port $P --public-key Sources/TestSupport/Fixtures/test-only.pub --spool $D/s.sqlite --web Web \
  --per-client-per-minute 0 --global-per-minute 0 --refusals-per-client-per-minute 0 --refusals-per-minute 0 >$D/log 2>&1 &
PID=$!; sleep 2
cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
TICK=$(getconf CLK_TCK)
run() { # name url script
  local before=$(cpu)
  local out=$(wrk -t1 -c4 -d10s -s "$3" "$2" 2>&1)
  local after=$(cpu)
  local reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$1: $reqs requests; $(echo "$out" | grep -E 'Requests/sec|Non-2xx' | tr -s ' ' | tr '\n' ' ')"
  python3 -c "print('  intake CPU per request: %.1f µs' % ((($after-$before)/$TICK)/$reqs*1e6))"
}
# A real code, from a real report.
CODE=$(curl -s -L -d "lang=ru&reporter=student-self&what=bullying&danger=no&text=test" "http://127.0.0.1:$P/report?lang=ru" | grep -o '<span>[0-9]\{4\}</span>' | sed 's/<[^>]*>//g' | tr -d '\n')
run "POST /report (form, 2 KB)" "http://127.0.0.1:$P/report" Tests/Load/post.lua
CODE=$CODE run "POST /check (a real code)" "http://127.0.0.1:$P/check" Tests/Load/check.lua
CODE=9976802972078984988026339224 run "POST /check (a code no report has)" "http://127.0.0.1:$P/check" Tests/Load/check.lua
echo > "$D/get.lua"; run "GET /healthz (baseline)" "http://127.0.0.1:$P/healthz" "$D/get.lua"
kill $PID
