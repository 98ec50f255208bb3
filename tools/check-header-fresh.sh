#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-header-fresh.sh SOURCE_DIR GENERATED_DIR
#
# Fails when a committed public header under SOURCE_DIR/include differs from the one the build
# rendered from the current Rust sources (GENERATED_DIR, build/src/include): someone changed a
# C-facing type or function and did not run tools/regen-headers.sh. Needs no git, so it runs in a
# release tarball too.
set -u

src=$1 gen=$2
status=0
for h in libcxlmi.h cxlmi/api-types.h cxlmi/test.h cxlmi/emulator.h cxlmi/target.h; do
    if [ ! -f "$gen/$h" ]; then
        echo "header-fresh: the build rendered no $h (in $gen)"
        status=1
    elif ! diff -u "$src/include/$h" "$gen/$h"; then
        echo "header-fresh: include/$h is stale"
        status=1
    fi
done
if [ $status -ne 0 ]; then
    echo "header-fresh: FAIL - run tools/regen-headers.sh and commit include/"
else
    echo "header-fresh: include/ matches the sources"
fi
exit $status
