#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# abi-check.sh CHECKER [checker arguments...]
#
# Runs the reference ABI checker when it is present, and reports a skip (exit 77) when it is not:
# it lives outside this source tree.
set -u

checker=$1
shift
if [ ! -f "$checker" ]; then
    echo "abi-check: skipped, no ABI checker at $checker"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "abi-check: skipped, the checker needs python3"
    exit 77
fi
exec python3 "$checker" "$@"
