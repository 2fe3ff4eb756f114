#!/usr/bin/env bash
# Bounded fuzzing of the readers (html, markdown, warc), of the whole
# analysis (analyze: `unspin analyze --tier fast` with sourcing) and of the
# HTTP API (http: requests to the router of `unspin serve`, in-process) for CI.
#
# Budget: UNSPIN_FUZZ_BUDGET seconds in all (default 170, under 3 minutes),
# building included. Needs neither nightly nor cargo-fuzz:
#   1. libFuzzer: the cargo-fuzz targets in fuzz/ built on the stable
#      toolchain with coverage instrumentation and no sanitizer (what
#      `cargo fuzz build -s none` does), each run for an equal share of the
#      time left (the http target is built second; when it cannot be built
#      in time, the other four run alone). A cold instrumented build takes
#      about 6 minutes on 2 cores for the four readers and analysis targets
#      (measured 2026-12-05), more with the http target, so this engine is
#      used when its binaries are already built (a warm machine) or when
#      UNSPIN_FUZZ_ENGINE=libfuzzer asks for it (give it a larger
#      UNSPIN_FUZZ_BUDGET: .ci/run gives 600).
#   2. otherwise, the stable `smoke` mutation loop (fuzz/src/bin/smoke.rs),
#      built with the test profile into the main target directory so that it
#      reuses what `cargo test` built: call this script after the tests.
#   3. when nothing can be built in time, it says so and exits 0: tooling
#      problems do not fail CI. A crash found by either engine does (exit 1),
#      with the input saved under fuzz/artifacts/<target>/ (once minimised
#      and fixed, keep it in fuzz/regressions/<target>/: both engines replay
#      that directory before fuzzing).
# Developers with nightly can also run `cargo +nightly fuzz run markdown`.
set -u
cd "$(dirname "$0")/.."

budget=${UNSPIN_FUZZ_BUDGET:-170}
deadline=$((SECONDS + budget))
left() { echo $((deadline - SECONDS)); }
manifest=fuzz/Cargo.toml
main_target=${CARGO_TARGET_DIR:-$PWD/target}
# Instrumented builds go to their own directory.
fuzz_target=${UNSPIN_FUZZ_TARGET_DIR:-$main_target/fuzz}
host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
targets=(html markdown warc analyze http)

run_libfuzzer() {
  local flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
  flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
  flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
  local bin=$fuzz_target/$host/release
  if [[ -z $host ]]; then return 2; fi
  if [[ ${UNSPIN_FUZZ_ENGINE:-} != libfuzzer && ! -x $bin/markdown ]]; then
    echo "ci-fuzz: no libFuzzer build yet (UNSPIN_FUZZ_ENGINE=libfuzzer builds one)"
    return 2
  fi
  local build_time=$(( $(left) - 45 ))
  (( build_time > 20 )) || return 2
  echo "ci-fuzz: building the libFuzzer targets (at most ${build_time}s)"
  # --target keeps RUSTFLAGS away from build scripts and proc macros.
  if ! RUSTFLAGS="$flags" CARGO_TARGET_DIR=$fuzz_target timeout "$build_time" cargo build --quiet --release \
      --manifest-path "$manifest" --target "$host" --no-default-features --features libfuzzer \
      --bin html --bin markdown --bin warc --bin analyze; then
    echo "ci-fuzz: libFuzzer build failed or ran out of time"
    return 2
  fi
  # The http target brings the server and its HTTP stack: built second, so
  # that when it does not build in time the four others still run.
  build_time=$(( $(left) - 45 ))
  if (( build_time <= 20 )) || ! RUSTFLAGS="$flags" CARGO_TARGET_DIR=$fuzz_target timeout "$build_time" \
      cargo build --quiet --release --manifest-path "$manifest" --target "$host" \
      --features libfuzzer,http --bin http; then
    echo "ci-fuzz: the http target failed to build or ran out of time; fuzzing the other targets"
    targets=(html markdown warc analyze)
  fi
  local per=$(( ($(left) - 5) / ${#targets[@]} ))
  (( per >= 5 )) || return 2
  local status=0
  for t in "${targets[@]}"; do
    local work
    work=$(mktemp -d)
    # The seeds, and the inputs that once crashed (replayed first).
    cp fuzz/corpus/"$t"/* fuzz/regressions/"$t"/* "$work"/ 2>/dev/null
    mkdir -p fuzz/artifacts/"$t"
    echo "ci-fuzz: $t for ${per}s"
    timeout $((per + 15)) "$bin/$t" "$work" -max_total_time="$per" -max_len=65536 \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=fuzz/artifacts/"$t"/ 2>&1 | tail -n 12
    local rc=${PIPESTATUS[0]}
    rm -rf "$work"
    if (( rc != 0 && rc != 124 )); then
      echo "ci-fuzz: $t found a crash (exit $rc); input in fuzz/artifacts/$t/"
      status=1
    fi
  done
  return $status
}

run_smoke() {
  local build_time=$(( $(left) - 20 ))
  (( build_time > 10 )) || return 2
  echo "ci-fuzz: building the stable smoke loop (at most ${build_time}s)"
  if ! CARGO_TARGET_DIR=$main_target timeout "$build_time" cargo build --quiet --profile test \
      --manifest-path "$manifest" --no-default-features --features http --bin smoke; then
    echo "ci-fuzz: smoke build failed or ran out of time"
    return 2
  fi
  local per=$(( ($(left) - 5) / ${#targets[@]} ))
  (( per >= 2 )) || per=2
  "$main_target/debug/smoke" "$per" "${targets[@]}" || return 1
}

run_libfuzzer
rc=$?
if (( rc == 2 )); then
  run_smoke
  rc=$?
fi
case $rc in
  0) echo "ci-fuzz: no crash (${SECONDS}s)"; exit 0 ;;
  1) echo "ci-fuzz: CRASH found"; exit 1 ;;
  *) echo "ci-fuzz: skipped: no fuzzer could be built within the budget"; exit 0 ;;
esac
