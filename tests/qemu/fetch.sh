#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Fetches what the QEMU tests boot, from Debian's archive, into the cache (nothing is installed
# system-wide):
#   qemu/     qemu-system-x86 10.0 from bookworm-backports and the libraries this host lacks,
#             unpacked with dpkg -x; run through $CACHE/qemu/run-qemu (sets LD_LIBRARY_PATH).
#   stock/    Debian's cloud kernel 6.12 (bookworm-backports): vmlinuz and its cxl modules.
#   busybox   busybox-static, the guest's shell and tools.
# Prints nothing on stdout; the paths are fixed under the cache (see common.sh).
set -euo pipefail
. "$(dirname "$0")/common.sh"

setup_apt
mkdir -p "$CXLMI_QEMU_CACHE"

# QEMU: `install --download-only` against the host's dpkg status resolves exactly the packages this
# host is missing (QEMU itself, its data files, seabios, the libraries), all unpacked into one
# root. Bookworm's own QEMU (7.2) cannot host the 6.12 kernel's CXL driver, hence backports.
fetch_qemu() {
    local root=$CXLMI_QEMU_CACHE/qemu
    [ -x "$root/run-qemu" ] && return 0
    log "fetching qemu-system-x86 from bookworm-backports"
    local dl=$CXLMI_QEMU_CACHE/debs-qemu
    rm -rf "$dl" "$root.tmp"; mkdir -p "$dl/partial" "$root.tmp"
    apt-get -q -y --download-only -o Dir::Cache::Archives="$dl" \
        -t bookworm-backports install qemu-system-x86 >&2
    for deb in "$dl"/*.deb; do dpkg -x "$deb" "$root.tmp"; done
    # The firmware QEMU loads (bios-256k.bin, the option ROMs) is looked up in its data dir.
    cat >"$root.tmp/run-qemu" <<'RUN'
#!/bin/sh
# QEMU from the unpacked Debian packages beside this script.
here=$(dirname "$(readlink -f "$0")")
export LD_LIBRARY_PATH="$here/usr/lib/x86_64-linux-gnu:$here/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$here/usr/bin/qemu-system-x86_64" -L "$here/usr/share/qemu" -L "$here/usr/share/seabios" "$@"
RUN
    chmod +x "$root.tmp/run-qemu"
    rm -rf "$root"; mv "$root.tmp" "$root"; rm -rf "$dl"
    "$root/run-qemu" --version | head -1 >&2
}

# The stock kernel: the newest linux-image-6.12.*-cloud-amd64 in backports, unpacked (vmlinuz and
# /lib/modules/<version>; the initramfs takes the cxl modules from there).
fetch_stock_kernel() {
    local root=$CXLMI_QEMU_CACHE/stock
    [ -f "$root/vmlinuz" ] && return 0
    local pkg
    pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9.+~a-z-]*-cloud-amd64$' | awk '{print $1}' \
          | grep -v -- '-dbg' | sort -V | tail -1)
    [ -n "$pkg" ] || die "no linux-image-6.12.*-cloud-amd64 in the archive"
    log "fetching $pkg"
    local dl=$CXLMI_QEMU_CACHE/debs-stock
    rm -rf "$dl" "$root.tmp"; mkdir -p "$dl" "$root.tmp"
    (cd "$dl" && apt-get -q download "$pkg" >&2)
    dpkg -x "$dl"/*.deb "$root.tmp/pkg"
    cp "$root.tmp"/pkg/boot/vmlinuz-* "$root.tmp/vmlinuz"
    mv "$root.tmp"/pkg/lib/modules "$root.tmp/modules"
    rm -rf "$root.tmp/pkg" "$root" "$dl"; mv "$root.tmp" "$root"
}

fetch_busybox() {
    [ -x "$CXLMI_QEMU_CACHE/busybox" ] && return 0
    log "fetching busybox-static"
    local dl=$CXLMI_QEMU_CACHE/debs-busybox
    rm -rf "$dl"; mkdir -p "$dl"
    (cd "$dl" && apt-get -q download busybox-static >&2)
    dpkg -x "$dl"/*.deb "$dl/x"
    cp "$dl/x/bin/busybox" "$CXLMI_QEMU_CACHE/busybox"
    rm -rf "$dl"
}

case "${1:-all}" in
    qemu) fetch_qemu ;;
    stock) fetch_stock_kernel ;;
    busybox) fetch_busybox ;;
    all) fetch_busybox; fetch_stock_kernel; fetch_qemu ;;
    *) die "usage: $0 [qemu|stock|busybox|all]" ;;
esac
