#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# install-cli-docs.sh DOCS MANDIR DATADIR: installs what cxlmi-docs wrote in DOCS (man pages,
# shell completions) under $MESON_INSTALL_DESTDIR_PREFIX (meson's install script environment):
# the pages in MANDIR/man1, the completions where bash-completion, zsh and fish look for them
# (DATADIR/bash-completion/completions, DATADIR/zsh/site-functions, DATADIR/fish/vendor_completions.d).
# MANDIR and DATADIR are meson's options, relative to the prefix or absolute.
set -eu
docs=$1
mandir=$2
datadir=$3
prefix=${MESON_INSTALL_DESTDIR_PREFIX:?run by meson install, or with MESON_INSTALL_DESTDIR_PREFIX set}
under() {
    case $1 in
    /*) echo "${DESTDIR:-}$1" ;;
    *) echo "$prefix/$1" ;;
    esac
}
man1=$(under "$mandir")/man1
bash_dir=$(under "$datadir")/bash-completion/completions
zsh_dir=$(under "$datadir")/zsh/site-functions
fish_dir=$(under "$datadir")/fish/vendor_completions.d
mkdir -p "$man1" "$bash_dir" "$zsh_dir" "$fish_dir"
for page in "$docs"/man/*.1; do
    install -m 644 "$page" "$man1/"
done
install -m 644 "$docs/completions/cxlmi.bash" "$bash_dir/cxlmi"
install -m 644 "$docs/completions/_cxlmi" "$zsh_dir/_cxlmi"
install -m 644 "$docs/completions/cxlmi.fish" "$fish_dir/cxlmi.fish"
