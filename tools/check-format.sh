#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-format.sh [--require] [SOURCE_DIR]
#
# Fails when a file differs from what the formatters make of it: rustfmt (rustfmt.toml) for the
# Rust crates, clang-format (.clang-format) for the C tests and examples (include/ is cbindgen's),
# ruff format (pyproject.toml) for every Python file. To fix: cargo fmt --all, clang-format -i
# FILES, ruff format. A formatter that is not installed is a skip (exit 77, for meson), or a
# failure with --require (CI installs them: ruff $RUFF_VERSION from PyPI, clang-format from Debian).
set -u

require=0
if [ "${1:-}" = --require ]; then
    require=1
    shift
fi
src=${1:-.}
cd "$src" || exit 2

# The formatters' versions the tree is formatted with; others may lay out a few constructs
# differently.
RUFF_VERSION=0.17.6

status=0
skipped=""
missing() {
    if [ $require -eq 1 ]; then
        echo "check-format: $1 is not installed"
        status=1
    else
        skipped="$skipped $1"
    fi
}

# The tree's files named like $1 (or $1 and $2): git's list, or outside a checkout (a release
# tarball) every such file but the build directories' and the vendored crates' (vendor/).
files() {
    if git -c safe.directory="$PWD" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -c safe.directory="$PWD" ls-files "$@"
    else
        find . \( -name 'build*' -o -name target -o -name .git -o -path ./vendor \) -prune -o -type f \
            \( -name "$1" -o -name "${2:-$1}" \) -print | sed 's|^\./||'
    fi
}

if command -v cargo >/dev/null 2>&1 && cargo fmt --version >/dev/null 2>&1; then
    # The workspace, and the fuzz crate, which is a workspace of its own (fuzz/).
    for manifest in Cargo.toml fuzz/Cargo.toml; do
        [ -f "$manifest" ] || continue
        if ! cargo fmt --all --manifest-path "$manifest" --check >/dev/null 2>&1; then
            echo "check-format: Rust differs from rustfmt (cargo fmt --all --manifest-path $manifest):"
            cargo fmt --all --manifest-path "$manifest" --check 2>&1 | grep '^Diff in' | sed 's/^/  /'
            status=1
        fi
    done
else
    missing rustfmt
fi

c_files=$(files '*.c' '*.h' | grep -v '^include/')
if command -v clang-format >/dev/null 2>&1; then
    # shellcheck disable=SC2086 # a list of paths without spaces
    if ! clang-format --dry-run -Werror $c_files >/dev/null 2>&1; then
        echo "check-format: C differs from clang-format (clang-format -i):"
        for f in $c_files; do
            clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "  $f"
        done
        status=1
    fi
else
    missing clang-format
fi

py_files=$(files '*.py')
if command -v ruff >/dev/null 2>&1; then
    [ "$(ruff --version | cut -d' ' -f2)" = "$RUFF_VERSION" ] \
        || echo "check-format: ruff $(ruff --version | cut -d' ' -f2), the tree is formatted with $RUFF_VERSION"
    # shellcheck disable=SC2086
    if ! ruff format --check $py_files >/dev/null 2>&1; then
        echo "check-format: Python differs from ruff format (ruff format):"
        ruff format --check $py_files 2>&1 | grep '^Would reformat' | sed 's/^/  /'
        status=1
    fi
else
    missing ruff
fi

if [ $status -ne 0 ]; then
    echo "check-format: FAIL"
    exit 1
fi
if [ -n "$skipped" ]; then
    echo "check-format: skipped, not installed:$skipped"
    exit 77
fi
echo "check-format: Rust, C and Python as their formatters make them"
