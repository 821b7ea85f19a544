#!/usr/bin/env bash
# Builds Headroom's libFuzzer targets (Fuzz/, with the address sanitizer) and runs each for SECONDS
# (default 300) from the seed corpus in Fuzz/Seeds. A crash, a broken promise (a precondition in the
# target) or a sanitizer report fails the run and leaves the input in .build-fuzz/crash-*; replay it with
#   .build-fuzz/release/fuzz-audio .build-fuzz/crash-audio-...
# Prints executions, coverage and corpus size per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
scratch=.build-fuzz
# No manifest caching: it would miss source files added to the path dependency (the repository itself).
flags=(--package-path Fuzz --scratch-path "$scratch" -c release --disable-build-manifest-caching -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
for target in fuzz-audio fuzz-session; do
  mkdir -p "$scratch"
  # A failed build fails the run (never fuzz a stale binary).
  if ! swift build "${flags[@]}" --product "$target" > "$scratch/build-$target.log" 2>&1; then
    grep -E "error" "$scratch/build-$target.log" | head -20
    echo "fuzz: the build of $target failed (log: $scratch/build-$target.log)"
    exit 1
  fi
done
bin="$(swift build "${flags[@]}" --show-bin-path)"
status=0
for target in audio session; do
  corpus="$scratch/corpus-$target"
  mkdir -p "$corpus"
  cp -n Fuzz/Seeds/"$target"/* "$corpus"/ 2>/dev/null || true
  dict=()
  [ "$target" = session ] && dict=(-dict=Fuzz/Seeds/session.dict)
  log="$scratch/fuzz-$target.log"
  if ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$bin/fuzz-$target" "$corpus" Fuzz/Seeds/"$target" "${dict[@]}" \
       -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$scratch/crash-$target-" >"$log" 2>&1; then
    result="no crash"
  else
    result="FAILED (see $log and $scratch/crash-$target-*)"
    status=1
    grep -E "ERROR|Fatal|Precondition|SUMMARY|panic" "$log" | head -5 || true
  fi
  execs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  cov=$(grep -oE "cov: [0-9]+ ft: [0-9]+" "$log" | tail -1 || echo "cov: ?")
  size=$(ls "$corpus" | wc -l)
  echo "fuzz-$target: $execs executions in ${seconds} s, $cov (edges, features), corpus $size inputs: $result"
done
exit $status
