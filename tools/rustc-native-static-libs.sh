#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# rustc-native-static-libs.sh RUSTC: prints the system libraries a Rust static library needs beside
# it, as rustc lists them (--print=native-static-libs), one line, for example
#   -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
# meson.build links libcxlmi.so from libcxlmi.a with them and writes them in libcxlmi.pc. The list is
# Rust's standard library's for the toolchain at hand, so it is asked of rustc rather than written
# down; the crates of this workspace link no system library of their own.
set -euo pipefail
rustc=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
: >"$dir/probe.rs"
"$rustc" --crate-type=staticlib --crate-name=probe --print=native-static-libs \
    -o "$dir/libprobe.a" "$dir/probe.rs" 2>"$dir/notes"
libs=$(sed -n 's/^note: native-static-libs: //p' "$dir/notes")
if [ -z "$libs" ]; then
    echo "rustc-native-static-libs.sh: $rustc listed no native static libraries:" >&2
    cat "$dir/notes" >&2
    exit 1
fi
echo "$libs"
