#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-dist.sh [OUTDIR]
#
# The release tarball as distributions and BMC image builds take it, with no network:
#   1. `meson dist` (xz and gzip) of a snapshot of the working tree (tracked and new files, since
#      meson dist archives a commit); tools/meson-dist-vendor.sh puts the crates in it. Its sizes.
#   2. The tarball unpacked and built in a network namespace (unshare -n) with an empty CARGO_HOME,
#      the build directory outside the tree: meson setup (buildtype=release, the Python module,
#      D-Bus discovery, tests), compile, the C, Python, examples, checks and packaging suites (not
#      the Rust unit tests: a cargo test build of every crate, minutes more; the packaging suite
#      checks the release build has no debug information, --strip and the versions), then
#      `meson install --destdir`, where the installed Python module must import and report the
#      version. The installed sizes, as built and with --strip.
#   3. A meson project of its own (tests/packaging/subproject) taking libcxlmi as a subproject from
#      subprojects/libcxlmi.wrap, a [wrap-file] of that tarball, in the same namespace with an empty
#      CARGO_HOME: it builds and runs consumer.c, and the subproject builds the library only (no
#      tool, no tests); a second compile compiles nothing.
# Outside a git checkout there is nothing to make a tarball of (meson dist needs git). With OUTDIR,
# the tarballs are left there. Needs the network for step 1 only (cargo vendor, when the crates are
# not in cargo's cache).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
outdir=${1:-}
fail() {
    echo "check-dist: $*" >&2
    exit 1
}
git_src() { git -C "$src" -c safe.directory="$src" "$@"; }
[ "$(git_src rev-parse --show-toplevel 2>/dev/null)" = "$src" ] || fail "not a git checkout: meson dist needs one"

work=$(mktemp -d /tmp/cxlmi-dist.XXXXXX)
trap 'rm -rf "$work"' EXIT
version=$(sed -n "s/^    version: '\([^']*\)',.*/\1/p" meson.build)
[ -n "$version" ] || fail "no version in meson.build"
# phase NAME: prints how long the previous phase took, then the next one's name.
phase_start=$SECONDS
phase() {
    echo "check-dist: ($((SECONDS - phase_start)) s)"
    phase_start=$SECONDS
    echo "=== check-dist: $*"
}

phase "meson dist of a snapshot of the working tree"
"$src/tools/snapshot-tree.sh" "$src" "$work/snapshot"
meson setup "$work/dist-build" "$work/snapshot" -Dtests=false >"$work/dist-setup.log" \
    || { cat "$work/dist-setup.log" >&2; fail "meson setup for meson dist failed"; }
# --no-tests: meson's own check of the tarball (a build with the network at hand) is what the rest
# of this script does, offline.
meson dist -C "$work/dist-build" --no-tests --formats xztar,gztar
tarball=$work/dist-build/meson-dist/libcxlmi-$version.tar.xz
for t in "$tarball" "${tarball%.xz}.gz"; do
    [ -f "$t" ] || fail "meson dist made no $t"
    echo "check-dist: $(basename "$t"): $(stat -c %s "$t") bytes ($(du -h "$t" | cut -f1))"
done
names=$(tar -tJf "$tarball")
for need in vendor/libc/Cargo.toml .cargo/config.toml Cargo.lock meson.build tools/meson-cargo.sh include/libcxlmi.h; do
    grep -qxF "libcxlmi-$version/$need" <<<"$names" || fail "the tarball has no $need"
done
echo "check-dist: $(grep -c "^libcxlmi-$version/vendor/[^/]*/Cargo.toml\$" <<<"$names") vendored crates"

# offline COMMAND...: runs it without network: in a network namespace of its own where this machine
# makes one, with cargo told to stay offline and a CARGO_HOME that holds no crates either way.
net=(unshare -n)
if ! unshare -n true 2>/dev/null; then
    echo "check-dist: no network namespace here (unshare -n): offline by CARGO_NET_OFFLINE and an empty CARGO_HOME only"
    net=()
fi
offline() {
    CARGO_HOME=$work/cargo-home CARGO_NET_OFFLINE=true "${net[@]}" "$@"
}

phase "the tarball built offline (buildtype=release, the Python module, D-Bus discovery, tests)"
mkdir -p "$work/offline" "$work/cargo-home"
tar -C "$work/offline" -xf "$tarball"
tree=$work/offline/libcxlmi-$version
build=$work/offline/build
offline meson setup "$build" "$tree" --buildtype=release -Dtests=true -Dpython=enabled -Dlibdbus=enabled \
    >"$work/offline-setup.log" || { cat "$work/offline-setup.log" >&2; fail "meson setup of the tarball failed"; }
grep -q "crates *: vendor/" "$work/offline-setup.log" || fail "meson setup did not take the vendored crates"
compile_start=$SECONDS
offline meson compile -C "$build" || fail "the tarball does not build offline"
echo "check-dist: compiled offline in $((SECONDS - compile_start)) s"
offline meson test -C "$build" --print-errorlogs --suite c --suite python --suite examples --suite checks \
    --suite packaging || fail "the tarball's tests failed"

phase "the tarball installed"
offline meson install -C "$build" --quiet --destdir "$work/stage"
offline meson install -C "$build" --quiet --strip --destdir "$work/stage-stripped" --tags runtime,bin
module=$(find "$work/stage" -name '_cxlmi*.so' -print -quit)
lib=$(find "$work/stage" -name libcxlmi.so -print -quit)
if [ -z "$module" ] || [ -z "$lib" ]; then
    fail "meson install put no Python module or no libcxlmi.so in $work/stage"
fi
py_version=$(cd "$work" && PYTHONPATH=${module%/*} LD_LIBRARY_PATH=${lib%/*} python3 -c 'import cxlmi; print(cxlmi.__version__)')
[ "$py_version" = "$version" ] || fail "the installed Python module says version $py_version, meson $version"
echo "check-dist: the installed Python module: cxlmi.__version__ $py_version"
for f in libcxlmi.so bin/cxlmi; do
    built=$(find "$work/stage" -type f -path "*/$f" -print -quit)
    stripped=$(find "$work/stage-stripped" -type f -path "*/$f" -print -quit)
    echo "check-dist: installed $f (buildtype=release): $(stat -c %s "$built") bytes, with --strip $(stat -c %s "$stripped") bytes"
done

phase "a meson project with libcxlmi as a subproject, from the tarball"
consumer=$work/consumer
mkdir -p "$consumer/subprojects"
cp tests/packaging/subproject/meson.build tests/packaging/consumer.c "$consumer/"
cat >"$consumer/subprojects/libcxlmi.wrap" <<EOF
[wrap-file]
directory = libcxlmi-$version
source_url = file://$tarball
source_filename = libcxlmi-$version.tar.xz
source_hash = $(sha256sum "$tarball" | cut -d' ' -f1)

[provide]
dependency_names = libcxlmi
EOF
rm -rf "$work/cargo-home" && mkdir "$work/cargo-home"
# --force-fallback-for: the subproject even where an installed libcxlmi.pc would do.
offline meson setup "$consumer/build" "$consumer" --force-fallback-for=libcxlmi >"$work/consumer-setup.log" \
    || { cat "$work/consumer-setup.log" >&2; fail "meson setup of the consumer failed"; }
compile_start=$SECONDS
offline meson compile -C "$consumer/build" || fail "the consumer does not build"
echo "check-dist: the consumer and its subproject compiled offline in $((SECONDS - compile_start)) s"
offline meson test -C "$consumer/build" --print-errorlogs || fail "the consumer's test failed"
sub=$consumer/build/subprojects/libcxlmi-$version
[ -f "$sub/src/libcxlmi.so" ] || fail "the subproject built no libcxlmi.so"
for unwanted in cli/cxlmi tests/test-api; do
    [ ! -e "$sub/$unwanted" ] || fail "the subproject built $unwanted, which the consumer does not need"
done
out=$(LD_LIBRARY_PATH='' "$consumer/build/consumer" --emulator)
expected="mock identify: rc 0, vendor 0x1e98, serial 0x0123456789abcdef, component type 0x03
mock unqueued: rc 3 (cmd is not supported)
emulator identify: rc 0, component type 0x03"
[ "$out" = "$expected" ] || fail "the consumer printed '$out'"
again=$(offline meson compile -C "$consumer/build" 2>&1)
if grep -q -e '^ *Compiling ' -e 'Linking target' <<<"$again"; then
    echo "$again" >&2
    fail "a second compile of the consumer rebuilt something"
fi
echo "check-dist: the consumer runs against the subproject's libcxlmi; a second compile builds nothing"

if [ -n "$outdir" ]; then
    mkdir -p "$outdir"
    cp "$tarball" "${tarball%.xz}.gz" "$outdir/"
    echo "check-dist: left the tarballs in $outdir"
fi
phase "done"
echo "check-dist: OK (${SECONDS} s)"
