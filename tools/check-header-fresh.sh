#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-header-fresh.sh SOURCE_DIR
#
# Fails when the generated public headers under include/ differ from what git has: build.rs
# rewrites them on every cargo build, so after a build a difference means the committed header is
# stale (or a new header was never committed). Exit 77 (a skip, for meson) outside a git checkout.
set -u

src=${1:-.}

if ! command -v git >/dev/null 2>&1; then
    echo "header-fresh: skipped, git is not installed"
    exit 77
fi
# The checkout may belong to another user (CI runs as root): allow it for these read-only commands.
g() { git -c safe.directory="$src" -C "$src" "$@"; }

if [ "$(g rev-parse --is-inside-work-tree 2>/dev/null)" != true ]; then
    echo "header-fresh: skipped, $src is not a git checkout"
    exit 77
fi

status=0
if ! g diff --exit-code --stat -- include/; then
    echo "header-fresh: include/ differs from git; the diff:"
    g --no-pager diff -- include/
    status=1
fi
untracked=$(g ls-files --others --exclude-standard -- include/)
if [ -n "$untracked" ]; then
    echo "header-fresh: generated but not in git:"
    echo "$untracked"
    status=1
fi
if [ -z "$(g ls-files -- include/libcxlmi.h)" ]; then
    echo "header-fresh: include/libcxlmi.h is not in git"
    status=1
fi

if [ $status -ne 0 ]; then
    echo "header-fresh: FAIL - commit the regenerated headers (git add include/)"
else
    echo "header-fresh: include/ matches git"
fi
exit $status
