#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# meson-dist-vendor.sh CARGO: a meson dist script (meson.build adds it). It puts every crate the
# build needs into the release tree, vendor/, with .cargo/config.toml pointing cargo there, so the
# tarball builds with no network, as distributions and BMC image builds build.
#
# `cargo vendor` copies every package Cargo.lock names: those of all the workspace's members
# (the library, the tool, the test crates; meson builds them all) and for every platform, since it
# cannot leave out the Windows-only ones. --locked: a Cargo.lock that does not match the manifests
# fails here, at release time, not later in a build without network. fuzz/ is a workspace of its own
# that meson never builds; its crates are not vendored (tools/fuzz.sh needs the network).
set -euo pipefail
cargo=$1
root=${MESON_DIST_ROOT:?meson dist runs this}

"$cargo" vendor --locked --quiet --manifest-path "$root/Cargo.toml" "$root/vendor" >/dev/null
mkdir -p "$root/.cargo"
cat >"$root/.cargo/config.toml" <<'CONFIG'
# Written by meson dist (tools/meson-dist-vendor.sh): the crates this release needs are in vendor/,
# and cargo takes them from there instead of crates.io. meson names this file on every cargo command
# line (cargo finds it by itself only when run from a directory inside the tree).
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "vendor"
CONFIG
echo "meson-dist-vendor.sh: $(find "$root/vendor" -mindepth 1 -maxdepth 1 -type d | wc -l) crates in vendor/"
