#!/usr/bin/env bash
# Builds one libFuzzer target with `swiftc -sanitize=fuzzer,address` and runs it from the committed seed corpus.
# Usage: Tests/Fuzz/run.sh envelope|form|keyfile|collect [SECONDS]   (default 60; the README records 10-minute runs)
# New interesting inputs go to .build/fuzz/corpus-TARGET (not committed); a crash is written to
# .build/fuzz/crash-*, to be kept as a regression test.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:?envelope, form, keyfile or collect}"
seconds="${2:-60}"
out=.build/fuzz
mkdir -p "$out"
# The linker's notes about sanitizer symbols are noise; a real error is shown.
build() { swiftc "$@" 2>"$out/build.log" || { grep -v "ld.gold: warning" "$out/build.log" >&2; exit 1; }; }
flags=(-sanitize=fuzzer,address -parse-as-library -O -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap
    -I Sources/CSodium)
case "$target" in
envelope)
    build "${flags[@]}" -module-name FuzzEnvelope Sources/ReportFormat/*.swift Tests/Fuzz/FuzzEnvelope.swift \
        -lsodium -o "$out/fuzz-envelope"
    ;;
collect)
    build "${flags[@]}" -module-name FuzzCollect Sources/ReportFormat/*.swift Tests/Fuzz/FuzzCollect.swift \
        -lsodium -o "$out/fuzz-collect"
    ;;
form)
    build "${flags[@]}" -module-name FuzzForm Sources/IntakeServer/URLEncodedForm.swift Tests/Fuzz/FuzzForm.swift \
        -o "$out/fuzz-form"
    ;;
keyfile)
    # The two modules as libraries, then the target against them.
    build "${flags[@]}" -module-name ReportFormat -emit-module -emit-module-path "$out/ReportFormat.swiftmodule" \
        -emit-library -static -o "$out/libReportFormat.a" Sources/ReportFormat/*.swift
    build "${flags[@]}" -module-name SafetyKeys -I "$out" -emit-module -emit-module-path "$out/SafetyKeys.swiftmodule" \
        -emit-library -static -o "$out/libSafetyKeys.a" Sources/SafetyKeys/*.swift
    build "${flags[@]}" -module-name FuzzKeyFile -I "$out" Tests/Fuzz/FuzzKeyFile.swift \
        "$out/libSafetyKeys.a" "$out/libReportFormat.a" -lsodium -o "$out/fuzz-keyfile"
    ;;
*)
    echo "usage: Tests/Fuzz/run.sh envelope|form|keyfile|collect [SECONDS]" >&2
    exit 64
    ;;
esac
mkdir -p "$out/corpus-$target"
"$out/fuzz-$target" -max_total_time="$seconds" -max_len=20000 -artifact_prefix="$out/crash-$target-" \
    -print_final_stats=1 "$out/corpus-$target" "Tests/Fuzz/corpus/$target"
