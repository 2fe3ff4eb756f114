#!/usr/bin/env bash
# Long libFuzzer runs of the fuzz targets, outside CI: the numbers in README
# ("Reliability", "Fuzzing") come from this script.
#
# Usage: bash fuzz/long-run.sh [TARGET...]     (default: html markdown warc analyze http)
#
# Environment:
#   RUNS=1000000   executions per target (libFuzzer -runs)
#   MAX_TIME=0     seconds per target at most (libFuzzer -max_total_time; 0: no limit),
#                  for a target too slow to reach RUNS in the time you have
#   NICE=10        niceness of the fuzzers (the machine is shared)
#   TAG=           appended to the working corpus's and log's names, so that a
#                  second run of a slow target can go on beside the first
#                  (independent corpora; add up their executions)
#   RESUME=0       1: continue in the working corpus of an earlier run with the
#                  same TAG (interrupted, or too short) instead of starting
#                  from the seeds; the earlier log is kept as <target><TAG>.<n>.log
#                  (add up the executions of the logs)
#
# Builds the targets as .ci/fuzz.sh does (stable toolchain, libFuzzer,
# coverage instrumentation without a sanitizer, debug assertions and overflow
# checks; into target/fuzz), then runs each one in a fresh working corpus
# seeded from fuzz/corpus/<target>/ with CI's -max_len=65536, in one process
# (no -jobs/-workers: the machine's cores are shared). Logs and working
# corpora go to target/fuzz/long-run/; a crash's input to
# fuzz/artifacts/<target>/. Prints one Markdown table row per target:
# executions, seconds, exec/s, final corpus size, peak RSS, findings.
# Exit status: 1 when a target crashed (or timed out, or ran out of memory).
set -u
cd "$(dirname "$0")/.."

runs=${RUNS:-1000000}
max_time=${MAX_TIME:-0}
niceness=${NICE:-10}
tag=${TAG:-}
targets=("$@")
(( ${#targets[@]} )) || targets=(html markdown warc analyze http)
host=$(rustc -vV | sed -n 's/^host: //p')
fuzz_target=${UNSPIN_FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-$PWD/target}/fuzz}
bin=$fuzz_target/$host/release
out=$fuzz_target/long-run
mkdir -p "$out"

# The same flags as run_libfuzzer in .ci/fuzz.sh.
flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
echo "long-run: building ${targets[*]} into $fuzz_target"
RUSTFLAGS="$flags" CARGO_TARGET_DIR=$fuzz_target nice -n "$niceness" cargo build --release --locked \
  --manifest-path fuzz/Cargo.toml --target "$host" --features libfuzzer "${bins[@]}" || exit 2

echo "| target | executions | seconds | exec/s | corpus | peak RSS MB | findings |"
echo "|---|---:|---:|---:|---:|---:|---|"
status=0
for t in "${targets[@]}"; do
  work=$out/$t$tag
  log=$out/$t$tag.log
  if [[ ${RESUME:-0} == 1 && -d $work ]]; then
    n=1
    while [[ -e $out/$t$tag.$n.log ]]; do n=$((n + 1)); done
    [[ -e $log ]] && mv "$log" "$out/$t$tag.$n.log"
    echo "long-run: $t resumes in $work ($(find "$work" -type f | wc -l) inputs)"
  else
    rm -rf "$work"
    mkdir -p "$work"
    cp fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
  fi
  mkdir -p fuzz/artifacts/"$t"
  start=$SECONDS
  nice -n "$niceness" "$bin/$t" "$work" -runs="$runs" -max_total_time="$max_time" \
    -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=fuzz/artifacts/"$t"/ >"$log" 2>&1
  rc=$?
  secs=$((SECONDS - start))
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
  execs=$(stat number_of_executed_units)
  rate=$(stat average_exec_per_sec)
  rss=$(stat peak_rss_mb)
  size=$(find "$work" -type f | wc -l)
  finding=none
  if (( rc != 0 )); then
    finding="exit $rc: $(grep -m1 -E '^==[0-9]+== ERROR|panicked at|deadly signal|timeout|out-of-memory' "$log" | cut -c1-120)"
    status=1
  fi
  echo "| $t$tag | ${execs:-?} | $secs | ${rate:-?} | $size | ${rss:-?} | $finding |"
done
exit $status
