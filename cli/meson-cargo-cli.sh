#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Called by cli/meson.build: builds the `cxlmi` tool with cargo, with the library's features, then puts
# it where meson promised it (build/cli/cxlmi).
#
#   meson-cargo-cli.sh CARGO MANIFEST TARGET_DIR OUTPUT [extra cargo build arguments...]
#
# Features arrive as the library build passes them (cxlmi/dbus, cxlmi/cxl2_0): cxlmi is a dependency of
# the tool, so cargo applies them to the same library. The binary is only copied when its bytes changed.
set -eu

cargo=$1 manifest=$2 target_dir=$3 output=$4
shift 4

"$cargo" build --release --manifest-path "$manifest" --target-dir "$target_dir" -p cxlmi-cli --bin cxlmi "$@"

built="$target_dir/release/cxlmi"
if [ ! -f "$built" ]; then
    echo "meson-cargo-cli.sh: cargo finished but $built is missing" >&2
    exit 1
fi
if ! cmp -s "$built" "$output"; then
    tmp="$(dirname "$output")/.cxlmi.$$"
    cp -p "$built" "$tmp"
    mv -f "$tmp" "$output"
fi
