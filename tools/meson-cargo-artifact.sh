#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds one artifact of the workspace with cargo and puts it where meson promised it: the `cxlmi`
# tool (cli/meson.build), the fake mctpd and the ioctl shim (tests/meson.build).
#
#   meson-cargo-artifact.sh CARGO MANIFEST TARGET_DIR PROFILE_DIR FILE OUTPUT [cargo build arguments...]
#
# PROFILE_DIR is `release` or `debug` (pass --release among the arguments for the first), FILE the
# artifact's name there. It is copied only when its bytes changed, and by a rename: a test may have
# the old one open or mapped.
set -eu

cargo=$1 manifest=$2 target_dir=$3 profile=$4 file=$5 output=$6
shift 6

"$cargo" build --manifest-path "$manifest" --target-dir "$target_dir" "$@"

built="$target_dir/$profile/$file"
if [ ! -f "$built" ]; then
    echo "meson-cargo-artifact.sh: cargo finished but $built is missing" >&2
    exit 1
fi
if ! cmp -s "$built" "$output"; then
    tmp="$(dirname "$output")/.$(basename "$output").$$"
    cp -p "$built" "$tmp"
    mv -f "$tmp" "$output"
fi
