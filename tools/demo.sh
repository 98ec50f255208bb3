#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# From a fresh checkout to a managed CXL fabric, with no hardware: installs what is missing,
# builds the library, the `cxlmi` tool, the Python module and the examples in build/, then
# drives the library's emulated fabric (an FM-API switch with a memory device on port 1 and a
# four-LD multi-logical device on port 2):
#
#   1. examples/cxl-switch.c walks the switch: Identify, Identify Switch Device, the state of
#      each port, and through tunnels the device behind each port and every LD of the MLD;
#   2. the `cxlmi` tool on the device behind port 1: ports, identify, health, event records,
#      and a sanitize with its progress;
#   3. examples/python/tunneling.py: the same tunnels from Python.
#
# Every program opens its own fresh emulated switch (emu:switch): the emulator keeps state for
# as long as the endpoint is open, so what one step changes the next does not see.
#
# BUILD=DIR tools/demo.sh builds in DIR instead of build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}

tools/install-deps.sh demo
if [ -f "$build/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$build" -Dpython=enabled
else
    meson setup "$build" -Dpython=enabled
fi
meson compile -C "$build"

# Shows a command, then runs it.
run() {
    echo
    echo "\$ $*"
    "$@"
}

echo
echo "=== 1. The C example cxl-switch: a walk over the emulated switch, tunnelling to each device"
run "$build"/examples/cxl-switch emu:switch

echo
echo "=== 2. The cxlmi tool: the device behind port 1 of the emulated switch"
run "$build"/cli/cxlmi ports emu:switch
run "$build"/cli/cxlmi identify emu:switch --port 1
run "$build"/cli/cxlmi health emu:switch --port 1
run "$build"/cli/cxlmi events emu:switch --port 1
run "$build"/cli/cxlmi sanitize emu:switch --port 1 --force

echo
echo "=== 3. Python: the same tunnels, level 0, 1 and 2"
export PYTHONPATH=$PWD/$build/src/python LD_LIBRARY_PATH=$PWD/$build/src
run python3 examples/python/tunneling.py --emu switch

echo
echo "=== 4. Watching a fleet: one round over an emulated switch, MLD and three memory devices"
run "$build"/cli/cxlmi monitor --once --emulate switch,mld,type3x3

echo
echo "demo: done. Try $build/examples/cxl-mctp emu:type3 (memory device commands, events, a"
echo "sanitize with progress and abort), $build/cli/cxlmi --help, or any example in"
echo "examples/python with --emu type3|switch|mld|mhd. For a fleet, $build/cli/cxlmi exporter"
echo "--emulate type3x100 and http://127.0.0.1:9843/metrics; docs/monitoring.md says more."
