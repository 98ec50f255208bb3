#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds the custom guest kernel from Debian's linux-source-6.12: tinyconfig plus kernel.config
# (CXL with CONFIG_CXL_MEM_RAW_COMMANDS, MCTP over serial). Distribution kernels have neither, so
# this is the kernel that lets the tests reach RAW commands and AF_MCTP.
#
# The result, $CACHE/kernel-<source version>-<fragment hash>/bzImage, is reused when present: the
# key changes when Debian ships a new source or the fragment changes. Prints the bzImage path.
# Needs flex, bison, libelf-dev and bc on the host (installed with apt-get when missing: these are
# build tools, not something the guest uses). About 4 minutes with make -j2 on an idle 2-core box.
set -euo pipefail
. "$(dirname "$0")/common.sh"

setup_apt
version=$(apt-cache policy linux-source-6.12 | awk '/Candidate:/ {print $2}')
[ -n "$version" ] && [ "$version" != "(none)" ] || die "linux-source-6.12 not in the archive"
hash=$(sha256sum "$QEMU_DIR/kernel.config" | cut -c1-12)
out=$CXLMI_QEMU_CACHE/kernel-$version-$hash
if [ -f "$out/bzImage" ]; then
    echo "$out/bzImage"
    exit 0
fi

missing=()
for tool in flex:flex bison:bison bc:bc; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
[ -f /usr/include/gelf.h ] || missing+=(libelf-dev)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing the kernel build tools: ${missing[*]}"
    as_root env -u APT_CONFIG DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

# The source tarball, unpacked once per source version (kept: a fragment change rebuilds from it).
src=$CXLMI_QEMU_CACHE/linux-source-$version
if [ ! -f "$src/Makefile" ]; then
    log "fetching linux-source-6.12 $version"
    dl=$CXLMI_QEMU_CACHE/debs-linux-source
    rm -rf "$dl" "$src"; mkdir -p "$dl" "$src"
    (cd "$dl" && apt-get -q download linux-source-6.12 >&2)
    dpkg -x "$dl"/*.deb "$dl/x"
    tar -xaf "$dl"/x/usr/src/linux-source-6.12.tar.* -C "$src" --strip-components=1
    rm -rf "$dl"
fi

# Object trees of interrupted builds (any fragment) are left-overs: start clean.
obj=$CXLMI_QEMU_CACHE/kernel-build-$hash
rm -rf "$CXLMI_QEMU_CACHE"/kernel-build-*; mkdir -p "$obj"
log "configuring (tinyconfig + kernel.config) in $obj"
make -s -C "$src" O="$obj" ARCH=x86_64 tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$QEMU_DIR/kernel.config" >&2
make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig >&2
# Every option the fragment asks for must be in the result, or the tests would fail obscurely later.
bad=0
while read -r line; do
    grep -qxF "$line" "$obj/.config" || { log "kernel.config: '$line' did not survive olddefconfig"; bad=1; }
done < <(grep '^CONFIG_' "$QEMU_DIR/kernel.config")
[ $bad = 0 ] || die "the kernel configuration lacks options (missing dependencies in kernel.config)"

log "building bzImage (make -j$(nproc))"
start=$SECONDS
make -s -C "$src" O="$obj" ARCH=x86_64 -j"$(nproc)" bzImage >&2
log "kernel built in $((SECONDS - start)) s"
mkdir -p "$out.tmp"
cp "$obj/arch/x86/boot/bzImage" "$obj/.config" "$out.tmp/"
rm -rf "$out"; mv "$out.tmp" "$out"; rm -rf "$obj"
echo "$out/bzImage"
