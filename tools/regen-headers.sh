#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Regenerates the committed C headers (include/) from the Rust sources: builds the C library crate,
# whose build script renders them with cbindgen into its OUT_DIR, and copies them over include/.
# Run it after changing a C-facing type or function, and commit the result; the header-fresh test
# fails while include/ and the sources disagree.
#
#   tools/regen-headers.sh [cargo build arguments, e.g. --features dbus]
set -eu
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
tools/meson-cargo.sh "${CARGO:-cargo}" Cargo.toml "${CARGO_TARGET_DIR:-target}" "$out" -p cxlmi-ffi "$@"
for h in libcxlmi.h cxlmi/api-types.h cxlmi/test.h cxlmi/emulator.h cxlmi/target.h; do
    if ! cmp -s "$out/include/$h" "include/$h"; then
        cp "$out/include/$h" "include/$h"
        echo "regen-headers: include/$h updated"
    fi
done
