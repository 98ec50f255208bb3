#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A meson dist script (python/meson.build adds it): each symbolic link to a directory in the release
# tree becomes a copy of that directory. meson-python's sdist leaves such links out, and src/python
# (a link to ../python) is where meson builds the module: without it the sdist would not build.
set -eu
root=$(cd "${MESON_DIST_ROOT:?meson dist runs this}" && pwd -P)
cd "$root"
links=$(find . -type l)
for link in $links; do
    [ -d "$link" ] || continue
    target=$(cd "$link" && pwd -P)
    case "$target/" in
    "$root"/*) ;;
    *)
        echo "meson-dist-links.sh: $link points outside the tree ($target): left as it is" >&2
        continue
        ;;
    esac
    rm "$link"
    cp -R "$target" "$link"
done
