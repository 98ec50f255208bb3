#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# From a fresh checkout to running examples: installs what is missing, builds the library, the
# Python module and the examples in build/, then runs examples/mock-demo.c and two of the Python
# examples against the mock endpoint (no hardware needed).
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh demo
if [ -f build/meson-private/coredata.dat ]; then
    meson setup --reconfigure build -Dpython=enabled
else
    meson setup build -Dpython=enabled
fi
meson compile -C build
echo
echo "=== build/examples/mock-demo"
build/examples/mock-demo
export PYTHONPATH=$PWD/build/src/python LD_LIBRARY_PATH=$PWD/build/src
for example in identify_device.py events.py; do
    echo
    echo "=== python3 examples/python/$example --mock"
    python3 "examples/python/$example" --mock
done
