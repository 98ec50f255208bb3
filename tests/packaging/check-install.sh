#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-install.sh MESON BUILD_DIR DEBUG VERSION CARGO MANIFEST
#
# What `meson install` puts on a machine, installed twice into scratch directories (--destdir):
#   1. as built: the debug information follows meson's `debug` option (DEBUG, true or false): line
#      tables (.debug_line) in libcxlmi.so and the cxlmi tool with it (debugoptimized, the default),
#      no .debug_* section at all without it (release, plain);
#   2. with --strip: neither carries debug information or a symbol table, libcxlmi.so exports the
#      same functions as before, and the stripped tool runs.
# It prints the installed sizes. And one version everywhere: the installed libcxlmi.pc's, the
# installed tool's (`cxlmi --version`, which names its library's too) and every crate's of the cargo
# workspace are meson's VERSION (the Python module's is tested by python-pythonic).
# A missing tool (readelf, nm, pkg-config) is a skip (77).
set -euo pipefail
meson=$1 build=$2 debug=$3 version=$4 cargo=$5 manifest=$6
for tool in readelf nm pkg-config; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-install: no $tool: skipped"
        exit 77
    fi
done

work=$(mktemp -d /tmp/cxlmi-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "check-install: $*" >&2
    exit 1
}

for kind in plain stripped; do
    strip=()
    [ "$kind" = plain ] || strip=(--strip)
    "$meson" install -C "$build" --no-rebuild --quiet "${strip[@]}" --destdir "$work/$kind" --tags runtime,bin,devel
done
# find_one KIND NAME: the installed file NAME (a path pattern) in that installation.
find_one() {
    local found
    found=$(find "$work/$1" -type f -path "*/$2")
    if [ -z "$found" ] || [ "$(echo "$found" | wc -l)" -ne 1 ]; then
        fail "$1: not exactly one $2 installed: $found"
    fi
    echo "$found"
}
# sections FILE: its debug sections and symbol table, by name. Not .debug_gdb_scripts, which a Rust
# program with debug information keeps in memory (it names the pretty-printers GDB should load, no
# debug information itself) and which strip therefore keeps too.
sections() {
    readelf -S -W "$1" | { grep -oE '\.(debug_[a-z_]+|symtab)( |$)' || true; } | tr -d ' ' |
        { grep -vx '\.debug_gdb_scripts' || true; } | sort -u | tr '\n' ' '
}

files=(libcxlmi.so)
[ -n "$(find "$work/plain" -path '*/bin/cxlmi')" ] && files+=(bin/cxlmi)
for f in "${files[@]}"; do
    plain=$(find_one plain "$f")
    stripped=$(find_one stripped "$f")
    have=$(sections "$plain")
    if [ "$debug" = true ]; then
        [[ " $have " == *" .debug_line "* ]] || fail "$f has no line tables (.debug_line) though meson's debug is on: $have"
    elif [[ " $have " == *" .debug_"* ]]; then
        fail "$f carries debug information though meson's debug is off: $have"
    fi
    left=$(sections "$stripped")
    [ -z "$left" ] || fail "$f installed with --strip still has $left"
    echo "check-install: $f: $(stat -c %s "$plain") bytes as built ($have), $(stat -c %s "$stripped") bytes with --strip"
done

lib_plain=$(find_one plain libcxlmi.so)
lib_stripped=$(find_one stripped libcxlmi.so)
if ! diff <(nm -D --defined-only "$lib_plain" | awk '{print $3}') \
    <(nm -D --defined-only "$lib_stripped" | awk '{print $3}') >&2; then
    fail "stripping changed what libcxlmi.so exports"
fi
exports=$(nm -D --defined-only "$lib_stripped")
[[ "$exports" == *" T cxlmi_cmd_identify"$'\n'* ]] || fail "the stripped libcxlmi.so does not export cxlmi_cmd_identify"

pc=$(find_one plain libcxlmi.pc)
pc_version=$(PKG_CONFIG_LIBDIR=${pc%/*} PKG_CONFIG_PATH='' pkg-config --modversion libcxlmi)
[ "$pc_version" = "$version" ] || fail "libcxlmi.pc says version $pc_version, meson $version"
if [ "${#files[@]}" -gt 1 ]; then
    tool=$(find_one stripped bin/cxlmi)
    tool_version=$(LD_LIBRARY_PATH=${lib_stripped%/*} "$tool" --version)
    [[ "$tool_version" == "cxlmi $version (libcxlmi $version;"* ]] || fail "the installed tool says '$tool_version', meson $version"
fi
crates=$("$cargo" metadata --offline --no-deps --format-version 1 --manifest-path "$manifest" |
    python3 -c 'import json, sys; print(" ".join(p["name"] + "=" + p["version"] for p in json.load(sys.stdin)["packages"]))')
for crate in $crates; do
    [ "${crate#*=}" = "$version" ] || fail "crate ${crate%=*} has version ${crate#*=}, meson $version"
done
echo "check-install: version $version: libcxlmi.pc, the tool and the crates (${crates//=$version/})"
