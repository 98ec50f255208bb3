#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# fuzz.sh [--python BUILD_DIR] [SECONDS_PER_TARGET]   (default 30)
#
# Builds the fuzz targets (fuzz/, a crate outside the workspace) with libFuzzer's coverage
# instrumentation on stable Rust, into $CARGO_TARGET_DIR (default build/cargo-target-fuzz). Then for
# each target it replays the committed corpus (fuzz/corpus/NAME) and fuzzes for SECONDS_PER_TARGET
# seconds from a scratch copy of it, so the committed corpus does not grow. It prints each
# target's executions per second and coverage (libFuzzer's cov: and ft:), and fails when a target
# crashes; the crash inputs (crash-*, leak-*, timeout-*, oom-*) stay in the artifacts directory it
# prints. With --python, the Python module built in BUILD_DIR is fuzzed too (target python_buffers,
# fuzz/python/buffers.py, with atheris: $CXLMI_FUZZ_PYTHON, default python3, must import it).
# fuzz/README.md says how to run one target longer and what to do with a finding.
set -uo pipefail
cd "$(dirname "$0")/.."

# The atheris that tools/test-all.sh installs for the python_buffers target.
ATHERIS_VERSION=3.0.0
python_build=
if [ "${1:-}" = --python ]; then
    python_build=${2:?usage: tools/fuzz.sh [--python BUILD_DIR] [SECONDS_PER_TARGET]}
    shift 2
fi
seconds=${1:-30}
case $seconds in
'' | *[!0-9]*)
    echo "usage: tools/fuzz.sh [--python BUILD_DIR] [SECONDS_PER_TARGET]" >&2
    exit 2
    ;;
esac
targets=(responses cci_framing emulator target ioctl_query dbus_objects)
triple=x86_64-unknown-linux-gnu
target_dir=${CARGO_TARGET_DIR:-$PWD/build/cargo-target-fuzz}

# The SanitizerCoverage passes libFuzzer reads, on stable rustc. --target keeps these flags from
# build scripts and proc-macros, which would then fail to link.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares"
echo "fuzz: building the targets into $target_dir"
start=$SECONDS
if ! (cd fuzz && CARGO_TARGET_DIR=$target_dir cargo build --locked --release --target "$triple" \
    $(printf -- '--bin %s ' "${targets[@]}")); then
    echo "fuzz: the build failed"
    exit 1
fi
echo "fuzz: built in $((SECONDS - start)) s"
bin=$target_dir/$triple/release
fuzz_python=${CXLMI_FUZZ_PYTHON:-python3}
if [ -n "$python_build" ]; then
    if ! "$fuzz_python" -c 'import atheris' 2>/dev/null; then
        echo "fuzz: $fuzz_python cannot import atheris (pip install atheris==$ATHERIS_VERSION), needed for --python"
        exit 1
    fi
    targets+=(python_buffers)
fi


work=$(mktemp -d "${TMPDIR:-/tmp}/cxlmi-fuzz.XXXXXX")
artifacts=$work/artifacts
failed=()
for t in "${targets[@]}"; do
    mkdir -p "$work/corpus/$t" "$artifacts/$t"
    cp fuzz/corpus/"$t"/* "$work/corpus/$t/" 2>/dev/null
    opts=(-artifact_prefix="$artifacts/$t/" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    # The committed corpus first, as regression inputs (the crashes found before stay fixed).
    # A Rust binary, or the Python module's target under atheris.
    run=("$bin/$t")
    if [ "$t" = python_buffers ]; then
        run=(env PYTHONPATH="$python_build/src/python" LD_LIBRARY_PATH="$python_build/src" "$fuzz_python" fuzz/python/buffers.py)
    fi
    if ! "${run[@]}" "${opts[@]}" -runs=0 "fuzz/corpus/$t" >"$work/$t.replay.log" 2>&1; then
        echo "fuzz: $t: FAILED replaying fuzz/corpus/$t (log: $work/$t.replay.log)"
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$work/$t.replay.log" | head -5 | sed 's/^/    /'
        failed+=("$t")
        continue
    fi
    "${run[@]}" "${opts[@]}" -max_total_time="$seconds" "$work/corpus/$t" >"$work/$t.log" 2>&1
    rc=$?
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$t.log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [^ ]+' <<<"${done_line:-$(grep -E '^#[0-9]+' "$work/$t.log" | tail -1)}")
    if [ $rc -eq 0 ]; then
        printf 'fuzz: %-14s OK      %s s, %s runs, %s exec/s, %s\n' "$t" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}"
    else
        printf 'fuzz: %-14s FAILED  (exit %s; log: %s)\n' "$t" "$rc" "$work/$t.log"
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$work/$t.log" | head -5 | sed 's/^/    /'
        failed+=("$t")
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}; the inputs that crashed are in $artifacts (see fuzz/README.md)"
    exit 1
fi
rm -rf "$work"
echo "fuzz: all ${#targets[@]} targets OK in $((SECONDS - start)) s"
