#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Called by src/meson.build: builds the crate with cargo, then puts the libraries where meson
# promised them (build/src/libcxlmi.so, build/src/libcxlmi.a).
#
#   meson-cargo.sh CARGO MANIFEST TARGET_DIR OUT_DIR [extra cargo build arguments...]
#
# cargo knows the Rust dependency graph, meson does not, so meson runs this every time and cargo
# decides what to rebuild. A library is only copied when its bytes changed, so a no-op cargo run
# leaves the copies (and everything linked against them) alone.
set -eu

cargo=$1 manifest=$2 target_dir=$3 out_dir=$4
shift 4

"$cargo" build --release --manifest-path "$manifest" --target-dir "$target_dir" "$@"

mkdir -p "$out_dir"
for lib in libcxlmi.so libcxlmi.a; do
    built="$target_dir/release/$lib"
    if [ ! -f "$built" ]; then
        echo "meson-cargo.sh: cargo finished but $built is missing" >&2
        exit 1
    fi
    if ! cmp -s "$built" "$out_dir/$lib"; then
        # a private name and a rename: another meson run may be copying into the same directory
        tmp="$out_dir/.$lib.$$"
        cp -p "$built" "$tmp"
        mv -f "$tmp" "$out_dir/$lib"
    fi
done

# Written last: C compiles wait for this file, so they never see a half-written header.
done_h="$out_dir/cxlmi-cargo-done.h"
if [ ! -f "$done_h" ]; then
    echo "/* cargo has built libcxlmi; nothing to include */" > "$done_h.$$"
    mv -f "$done_h.$$" "$done_h"
fi
