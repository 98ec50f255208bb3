#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The whole test suite, the way CI runs it. First the formatters, as a run of its own. For each
# configuration
#   build        the defaults, with MCTP discovery over D-Bus (-Dlibdbus=enabled)
#   build-cxl2   -Dcxl2_0_mode=enabled (the CXL 2.0 payload layouts)
# it sets up the build directory (with the Python module), compiles, runs every meson test (Rust
# unit tests, C tests, Python tests and examples, header freshness, ABI check), then runs the C
# programs again under valgrind, failing on memory errors and on definite or indirect leaks, and
# the Python suite under valgrind (PYTHONMALLOC=malloc), failing on memory errors. Then the fuzz
# targets run (tools/fuzz.sh --python build, 20 s each), and the build without the emulator. Last, it builds
# the Python package's sdist and wheel, checks the wheel's tags and stripping, repairs it with
# auditwheel, installs it in a fresh virtualenv and runs the tests the package ships. Before that, the QEMU
# suite (tests/qemu: the library against real Linux kernels and QEMU's CXL device) runs in build/ as
# a run of its own. Then the release tarball: made, built and tested with no network, and taken by
# a meson project as a subproject. The last line is the tally over all runs.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh test

# The formatters, as their own run: rustfmt (with cargo), clang-format (install-deps.sh) and ruff,
# pinned, in a virtualenv of its own under the cache; only ruff (and mypy, below) go on PATH (for the
# meson tests `format` and `python-pythonic` too), not the virtualenv's python3.
echo "=== formatting (tools/check-format.sh)"
if ! cargo fmt --version >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt
fi
tools_dir=${XDG_CACHE_HOME:-$HOME/.cache}/cxlmi-tools
ruff_version=$(sed -n 's/^RUFF_VERSION=//p' tools/check-format.sh)
if [ "$("$tools_dir/venv/bin/ruff" --version 2>/dev/null)" != "ruff $ruff_version" ]; then
    python3 -m venv "$tools_dir/venv" && "$tools_dir/venv/bin/pip" install --quiet "ruff==$ruff_version" \
        || echo "test-all: could not install ruff $ruff_version"
fi
# mypy too, pinned: with it on PATH at setup, the meson test python-pythonic type-checks the Python
# examples and docs/python.md's against the module's stubs (mypy --strict).
mypy_version=2.4.1
if [ "$("$tools_dir/venv/bin/mypy" --version 2>/dev/null | cut -d' ' -f2)" != "$mypy_version" ]; then
    "$tools_dir/venv/bin/pip" install --quiet "mypy==$mypy_version" || echo "test-all: could not install mypy $mypy_version"
fi
mkdir -p "$tools_dir/bin"
ln -sf "$tools_dir/venv/bin/ruff" "$tools_dir/bin/ruff"
ln -sf "$tools_dir/venv/bin/mypy" "$tools_dir/bin/mypy"
export PATH="$tools_dir/bin:$PATH"
extra_results=()
failed_runs=()
if tools/check-format.sh --require; then
    extra_results+=(OK)
else
    extra_results+=(FAIL)
    failed_runs+=("formatting")
fi

valgrind_cmd='valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --quiet'
# CPython keeps much of its memory until exit: for Python, memory errors fail, leaks are not checked.
valgrind_py='valgrind --error-exitcode=1 --leak-check=no --quiet'
py_minor() { "$1" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null; }
valgrind_python=/usr/bin/python3
if [ ! -x "$valgrind_python" ] || [ "$(py_minor "$valgrind_python")" != "$(py_minor python3)" ]; then
    valgrind_python=$(command -v python3)
fi
logs=()

# Options are given in full, so a build directory configured otherwise earlier is set back.
for config in "build -Dtests=true -Dpython=enabled -Dlibdbus=enabled -Dcxl2_0_mode=disabled" \
              "build-cxl2 -Dtests=true -Dpython=enabled -Dcxl2_0_mode=enabled"; do
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
    logs+=("$dir/meson-logs/valgrind-valgrind.json")

    # The Python suite under valgrind. Debian's /usr/bin/python3 runs clean under valgrind (a
    # pyenv build reports errors in CPython itself), and loads the module built for the same
    # Python minor version.
    echo "=== $dir: Python tests under valgrind"
    if (cd tests/python && PYTHONMALLOC=malloc PYTHONPATH="../../$dir/src/python" LD_LIBRARY_PATH="../../$dir/src" \
            $valgrind_py "$valgrind_python" -m unittest test_cxlmi.py); then
        extra_results+=(OK)
    else
        extra_results+=(FAIL)
        failed_runs+=("$dir: Python under valgrind")
    fi
done

# Coverage-guided fuzzing (fuzz/, libFuzzer on stable Rust; the Python module's buffers with
# atheris, in the tools virtualenv), as a run of its own: the committed corpora replayed, then 20
# seconds per target from a scratch copy; a crash fails it. After the builds: the Python target
# fuzzes the module built in build/.
echo "=== fuzzing (tools/fuzz.sh)"
atheris_version=$(sed -n 's/^ATHERIS_VERSION=//p' tools/fuzz.sh)
if ! "$tools_dir/venv/bin/python" -c 'import atheris' 2>/dev/null; then
    "$tools_dir/venv/bin/pip" install --quiet "atheris==$atheris_version" || echo "test-all: could not install atheris"
fi
if CXLMI_FUZZ_PYTHON="$tools_dir/venv/bin/python" tools/fuzz.sh --python build 20; then
    extra_results+=(OK)
else
    extra_results+=(FAIL)
    failed_runs+=("fuzzing")
fi

# The library as a distribution may ship it, without the emulated fabric (-Demulator=disabled):
# the tests that need no emulator, and cxlmi_open_emulator failing as documented.
echo "=== build-noemu: meson test"
if [ -f build-noemu/meson-private/coredata.dat ]; then
    meson setup --reconfigure build-noemu -Dtests=true -Dpython=disabled -Demulator=disabled
else
    meson setup build-noemu -Dtests=true -Dpython=disabled -Demulator=disabled
fi
meson compile -C build-noemu
meson test -C build-noemu --no-suite rust --print-errorlogs --logbase all || failed_runs+=("build-noemu: meson test")
logs+=("build-noemu/meson-logs/all.json")

# Real kernels in QEMU (tests/qemu, docs/qemu.md): the stock Debian kernel and the custom one (built
# from linux-source-6.12 when not cached under ~/.cache/cxlmi-qemu, 4 to 7 minutes), each booted
# under TCG with QEMU's CXL Type 3 device, plus MCTP through the custom kernel's stack. A plain
# `meson test` leaves this suite out (it fetches from the Debian archive), so it is a run of its own.
echo "=== build: QEMU suite (real kernels)"
meson test -C build --suite qemu --print-errorlogs --logbase qemu || failed_runs+=("build: QEMU suite")
logs+=("build/meson-logs/qemu.json")

# The pip package, as a release builds it (tools/check-wheel.sh, about 3 minutes): the sdist, the
# wheel built from it, its tags (a platform wheel, cp3XX-cp3XX) and stripped ELF files checked,
# `auditwheel repair` to manylinux, then installed into a fresh virtualenv where the tests the
# package ships run from an empty directory with no LD_LIBRARY_PATH.
echo "=== the Python package: sdist, wheel, auditwheel, installed and tested (tools/check-wheel.sh)"
if tools/check-wheel.sh; then
    extra_results+=(OK)
else
    extra_results+=(FAIL)
    failed_runs+=("the Python package (tools/check-wheel.sh)")
fi

# The release tarball as distributions and BMC builds take it (tools/check-dist.sh, 5 to 10 minutes
# on 2 cores): `meson dist` with the crates vendored, its size; unpacked, built (release), tested
# and installed in a network namespace with an empty CARGO_HOME; then a meson project taking it as a
# subproject through a wrap, built and run the same way.
echo "=== the release tarball: meson dist, built offline, a subproject consumer (tools/check-dist.sh)"
if tools/check-dist.sh; then
    extra_results+=(OK)
else
    extra_results+=(FAIL)
    failed_runs+=("the release tarball (tools/check-dist.sh)")
fi

echo
for f in "${failed_runs[@]}"; do
    echo "FAILED: $f"
done
python3 - "${extra_results[*]}" "${logs[@]}" <<'PY'
import glob, json, sys
extra = sys.argv.pop(1).split()
counts = {}
for r in extra:
    counts[r] = counts.get(r, 0) + 1
for pattern in sys.argv[1:]:
    lines = [l for path in glob.glob(pattern) for l in open(path).read().splitlines()]
    for line in lines:
        if line.strip():
            r = json.loads(line)["result"]
            counts[r] = counts.get(r, 0) + 1
ok = counts.pop("OK", 0) + counts.pop("EXPECTEDFAIL", 0)
skip = counts.pop("SKIP", 0)
bad = sum(counts.values())
print(f"test-all: {len(sys.argv) - 1 + len(extra)} runs  Ok: {ok}  Fail: {bad}  Skipped: {skip}"
      + ("  (" + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + ")" if bad else ""))
PY
[ ${#failed_runs[@]} -eq 0 ]
