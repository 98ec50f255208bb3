#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# systemd-analyze verify on the configured units: TOOL (the built cxlmi) stands in for BINDIR/cxlmi,
# which systemd checks exists. Usage: verify-units.sh TOOL BINDIR UNIT...
set -eu
tool=$1 bindir=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for unit in "$@"; do
    sed "s|$bindir/cxlmi|$tool|g" "$unit" >"$dir/$(basename "$unit")"
done
# verify prints what it finds wrong and fails on it; warnings about the machine's own units
# (which the units name as dependencies) are not ours, so only lines naming ours count.
out=$(systemd-analyze verify --man=no "$dir"/*.service 2>&1) || { echo "$out"; exit 1; }
if echo "$out" | grep -F -e cxlmi-monitor -e cxlmi-exporter; then
    exit 1
fi
echo "units verified: $*"
