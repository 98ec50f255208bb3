#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The whole test suite, the way CI runs it. For each configuration
#   build        the defaults
#   build-cxl2   -Dcxl2_0_mode=enabled (the CXL 2.0 payload layouts)
# it sets up the build directory, compiles, runs every meson test (Rust unit tests, C tests,
# header freshness, ABI check), then runs the C programs again under valgrind, failing on memory
# errors and on definite or indirect leaks. The last line is the tally over all four runs.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh test

valgrind_cmd='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet'
failed_runs=()
logs=()

# Options are given in full, so a build directory configured otherwise earlier is set back.
for config in "build -Dtests=true -Dcxl2_0_mode=disabled" "build-cxl2 -Dtests=true -Dcxl2_0_mode=enabled"; do
    read -r dir opts <<<"$config"
    # shellcheck disable=SC2086 # $opts is a list of options
    if [ -f "$dir/meson-private/coredata.dat" ]; then
        meson setup --reconfigure "$dir" $opts
    else
        meson setup "$dir" $opts
    fi
    meson compile -C "$dir"

    echo "=== $dir: meson test"
    meson test -C "$dir" --print-errorlogs --logbase all || failed_runs+=("$dir: meson test")
    logs+=("$dir/meson-logs/all.json")

    echo "=== $dir: C tests under valgrind"
    meson test -C "$dir" --suite c --print-errorlogs --logbase valgrind --wrapper "$valgrind_cmd" \
        || failed_runs+=("$dir: valgrind")
    # meson appends the wrapper's name to the log base: valgrind-valgrind.json
    logs+=("$dir/meson-logs/valgrind*.json")
done

echo
for f in "${failed_runs[@]}"; do
    echo "FAILED: $f"
done
python3 - "${logs[@]}" <<'PY'
import glob, json, sys
counts = {}
for pattern in sys.argv[1:]:
    lines = [l for path in glob.glob(pattern) for l in open(path).read().splitlines()]
    for line in lines:
        if line.strip():
            r = json.loads(line)["result"]
            counts[r] = counts.get(r, 0) + 1
ok = counts.pop("OK", 0) + counts.pop("EXPECTEDFAIL", 0)
skip = counts.pop("SKIP", 0)
bad = sum(counts.values())
print(f"test-all: {len(sys.argv) - 1} runs  Ok: {ok}  Fail: {bad}  Skipped: {skip}"
      + ("  (" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + ")" if bad else ""))
PY
[ ${#failed_runs[@]} -eq 0 ]
