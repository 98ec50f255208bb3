#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# install-deps.sh [demo|test]
#
# Installs (with apt-get, on Debian or Ubuntu) the packages the build needs and that are missing:
# `demo` what building the library and the examples takes, `test` (the default) also what the test
# suite uses. Rust itself is not installed here: Debian's rustc is too old for this crate, so get
# cargo from https://rustup.rs.
set -euo pipefail

what=${1:-test}
# command the build runs -> Debian package that provides it
needs=(meson:meson ninja:ninja-build pkg-config:pkg-config gcc:gcc)
# the demo and the test suite build the Python module too
needs+=(python3:python3 swig:swig)
if [ "$what" = test ]; then
    needs+=(valgrind:valgrind git:git clang-format:clang-format man:man-db)
    # the wheel check (tools/check-wheel.sh) and the packaging suite (tests/packaging) strip and read
    # ELF files
    needs+=(strip:binutils readelf:binutils nm:binutils)
    # the release tarball check (tools/check-dist.sh) reads the .tar.xz meson dist makes and builds
    # it in a network namespace
    needs+=(xz:xz-utils unshare:util-linux)
    # cxlmi exporter's test scrapes it with a real Prometheus server and checks its metrics and the
    # documented alerting rules with promtool (both in Debian's prometheus package); the service
    # units are checked with systemd-analyze verify
    needs+=(prometheus:prometheus systemd-analyze:systemd)
fi

if ! command -v cargo >/dev/null 2>&1; then
    echo "install-deps: cargo not found; install Rust 1.86 or newer with rustup (https://rustup.rs)" >&2
    exit 1
fi

missing=()
for n in "${needs[@]}"; do
    command -v "${n%%:*}" >/dev/null 2>&1 || missing+=("${n#*:}")
done
# gcc without the C library headers (no libc6-dev) cannot build the examples
if ! echo '#include <stdio.h>' | gcc -E -x c - >/dev/null 2>&1; then
    missing+=(libc6-dev)
fi
# the Python module needs the headers of the python3 that meson finds
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' 2>/dev/null; then
    missing+=(python3-dev)
fi
# the tools (ruff, the wheel check) and the packaged tests run in virtualenvs; Debian's python3
# makes them only with python3-venv
if [ "$what" = test ] && command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip' 2>/dev/null; then
    missing+=(python3-venv)
fi
# the tests validate the cxlmi tool's JSON output against its schema (tests/cli/test_schema.py)
if [ "$what" = test ] && ! python3 -c 'import jsonschema' 2>/dev/null; then
    missing+=(python3-jsonschema)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: please install: ${missing[*]}" >&2
    exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
