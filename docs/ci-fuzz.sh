#!/usr/bin/env bash
# Bounded fuzzing of the readers (html, markdown, warc) for CI.
#
# Budget: UNSPIN_FUZZ_BUDGET seconds in all (default 170, under 3 minutes),
# building included. Never needs nightly or cargo-fuzz:
#   1. builds the cargo-fuzz targets in fuzz/ with libFuzzer and coverage
#      instrumentation on the stable toolchain (what `cargo fuzz build -s none`
#      does) and runs each for a third of the time left;
#   2. when that cannot be built in time (no C++ compiler, no network for the
#      libfuzzer-sys crate, a slow machine), runs the stable `smoke` mutation
#      loop instead;
#   3. when neither can be built, says so and exits 0: tooling problems do not
#      fail CI. A crash found by either fuzzer does (exit 1), with the input
#      saved under fuzz/artifacts/.
# Developers with nightly can run `cargo +nightly fuzz run markdown` as usual.
set -u
cd "$(dirname "$0")/.."

budget=${UNSPIN_FUZZ_BUDGET:-170}
deadline=$((SECONDS + budget))
left() { echo $((deadline - SECONDS)); }
manifest=fuzz/Cargo.toml
# Fuzz builds use instrumented flags: keep them apart from the main target dir.
export CARGO_TARGET_DIR=${UNSPIN_FUZZ_TARGET_DIR:-$PWD/target/fuzz}
targets=(html markdown warc)

run_libfuzzer() {
  local flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
  flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
  flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
  local build_time=$(( $(left) - 45 ))
  (( build_time > 20 )) || return 2
  echo "ci-fuzz: building the libFuzzer targets (at most ${build_time}s)"
  if ! RUSTFLAGS="$flags" timeout "$build_time" cargo build --quiet --release --manifest-path "$manifest" \
      --features libfuzzer --bin html --bin markdown --bin warc; then
    echo "ci-fuzz: libFuzzer build failed or ran out of time"
    return 2
  fi
  local per=$(( ($(left) - 5) / ${#targets[@]} ))
  (( per >= 5 )) || return 2
  local status=0
  for t in "${targets[@]}"; do
    local work
    work=$(mktemp -d)
    cp fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
    mkdir -p fuzz/artifacts/"$t"
    echo "ci-fuzz: $t for ${per}s"
    timeout $((per + 15)) "$CARGO_TARGET_DIR/release/$t" "$work" -max_total_time="$per" -max_len=65536 \
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
  if ! timeout "$build_time" cargo build --quiet --release --manifest-path "$manifest" --no-default-features --bin smoke; then
    echo "ci-fuzz: smoke build failed or ran out of time"
    return 2
  fi
  local per=$(( ($(left) - 5) / ${#targets[@]} ))
  (( per >= 2 )) || per=2
  "$CARGO_TARGET_DIR/release/smoke" "$per" "${targets[@]}" || return 1
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
