#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the `cxlmi` tool (the cli/ workspace crate) statically linked, for the QEMU guest, whose
# initramfs has no C library, and copies it to OUT. +crt-static needs an explicit --target, so that
# the flag reaches only the target's code (not build scripts and proc macros) and the results land
# apart from the ordinary build's (TARGET_DIR/x86_64-unknown-linux-gnu/release). Built without
# features: the guest has no D-Bus.
#
#   build-cli-static.sh CARGO MANIFEST TARGET_DIR OUT
set -eu
cargo=$1 manifest=$2 target_dir=$3 out=$4
target=x86_64-unknown-linux-gnu
RUSTFLAGS='-C target-feature=+crt-static' "$cargo" build --release -p cxlmi-cli --target "$target" \
    --manifest-path "$manifest" --target-dir "$target_dir"
cp -p "$target_dir/$target/release/cxlmi" "$out.$$"
mv -f "$out.$$" "$out"
