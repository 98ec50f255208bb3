#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# From a fresh checkout to a running example: installs what is missing, builds the library and the
# examples in build/, and runs examples/mock-demo.c against the mock endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh demo
if [ -f build/meson-private/coredata.dat ]; then
    meson setup --reconfigure build
else
    meson setup build
fi
meson compile -C build
echo
echo "=== build/examples/mock-demo"
build/examples/mock-demo
