#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# snapshot-tree.sh SRC DEST
#
# Makes DEST a git repository with one commit holding SRC's working tree: the files git tracks and
# the new ones it does not ignore, as they are now (deleted files left out). meson dist, and so the
# sdist, archive a commit, not the tree; tools/check-dist.sh and tools/check-wheel.sh build from
# this commit so that what they test is what is checked out, committed or not.
set -euo pipefail
src=$1 dest=$2
mkdir -p "$dest"
git -C "$src" -c safe.directory="$src" ls-files -z --cached --others --exclude-standard -x '.mesonpy-*' \
    | tar -C "$src" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$dest" -xf -
git -C "$dest" init -q -b snapshot
git -C "$dest" add -A
git -C "$dest" -c user.name=snapshot -c user.email=snapshot@localhost -c commit.gpgsign=false commit -q -m snapshot
