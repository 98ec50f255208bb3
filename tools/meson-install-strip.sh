#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# meson-install-strip.sh STRIP OPTION FILE...: a meson install script (cli/meson.build) that strips
# installed files meson will not strip itself.
#
# `meson install --strip` and -Dstrip=true strip what meson links (libcxlmi.so, the Python module) but
# never a custom target's output, and cargo links the cxlmi tool, a custom target. Nor does meson tell
# an install script whether to strip: it passes only the install paths and MESON_INSTALL_QUIET and
# MESON_INSTALL_DRY_RUN (checked in meson 1.0.1 and in its current source). So this strips when OPTION,
# meson's strip option at setup, is true, or when the command line of the `meson install` that runs
# this script, its parent process, has --strip. FILEs are relative to the prefix (as meson's bindir
# usually is) or absolute.
set -euo pipefail
strip=$1 option=$2
shift 2
prefix=${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install}
[ -z "${MESON_INSTALL_DRY_RUN:-}" ] || exit 0

wanted=$option
if [ "$wanted" != true ] && [ -r "/proc/$PPID/cmdline" ]; then
    while IFS= read -r -d '' arg; do
        if [ "$arg" = --strip ]; then
            wanted=true
        fi
    done <"/proc/$PPID/cmdline"
fi
[ "$wanted" = true ] || exit 0

for file in "$@"; do
    case $file in
    /*) path=${DESTDIR:-}$file ;;
    *) path=$prefix/$file ;;
    esac
    [ -n "${MESON_INSTALL_QUIET:-}" ] || echo "Stripping $path"
    "$strip" "$path"
done
