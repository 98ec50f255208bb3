#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the host-side MCTP responder (tests/qemu/responder, a workspace member) and copies it to
# OUT. mctp-estack fixes its largest message at build time (MCTP_ESTACK_MAX_MESSAGE, 1032 bytes by
# default); the tests send 2 KiB CXL payloads, so it is built with room for 8 KiB.
#
#   build-responder.sh CARGO MANIFEST TARGET_DIR OUT
set -eu
cargo=$1 manifest=$2 target_dir=$3 out=$4
MCTP_ESTACK_MAX_MESSAGE=8192 "$cargo" build --release -p cxlmi-qemu-responder \
    --manifest-path "$manifest" --target-dir "$target_dir"
cp -p "$target_dir/release/cxlmi-qemu-responder" "$out.$$"
mv -f "$out.$$" "$out"
