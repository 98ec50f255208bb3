#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Boots a guest kernel in QEMU (TCG: KVM is not usable on the machines this runs on) with a CXL
# Type 3 device and runs the given static test programs in it; passes when every program exits 0.
#
#   run.sh --kernel stock|custom --logdir DIR [--timeout SECONDS] [--name NAME] \
#          [--cargo CARGO MANIFEST TARGET_DIR [--with-cli] [--with-mctp-responder]] \
#          [--mctp-responder PROGRAM] [--bin FILE]... PROGRAM...
#
# stock   Debian's cloud kernel 6.12 (no RAW commands, no MCTP), CXL drivers as modules.
# custom  the kernel build-kernel.sh makes (RAW commands, MCTP over serial), built when not cached.
# A program named *.skip-stock is not run on the stock kernel (and likewise *.skip-custom).
# --bin FILE: put FILE in the guest's /bin (a tool the test programs run), not run as a test.
# --with-cli, --with-mctp-responder: build the static `cxlmi` tool (for /bin) and the MCTP responder
#   with cargo first (build-cli-static.sh, build-responder.sh; into DIR). They are built here, when
#   the test runs, and not by meson as test dependencies: meson builds every test's dependencies in
#   a plain `meson compile`, and these take minutes that only this suite needs.
# --mctp-responder: a host program given the path of a unix socket, where QEMU connects the guest's
#   second serial port (ttyS1); it answers MCTP over DSP0253 serial framing.
# The console goes to DIR/NAME.console.log; a summary is printed, and the exit status is 0 (all
# passed), 1 (a test failed, or the guest never finished) or 77 (skipped: nothing to boot with).
set -euo pipefail
. "$(dirname "$0")/common.sh"

kernel=stock logdir=. timeout=600 name='' responder='' bins=() cargo='' with_cli='' with_responder=''
while [ $# -gt 0 ]; do
    case "$1" in
        --kernel) kernel=$2; shift 2 ;;
        --logdir) logdir=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --name) name=$2; shift 2 ;;
        --mctp-responder) responder=$2; shift 2 ;;
        --bin) bins+=("$2"); shift 2 ;;
        --cargo) cargo=$2 manifest=$3 target_dir=$4; shift 4 ;;
        --with-cli) with_cli=1; shift ;;
        --with-mctp-responder) with_responder=1; shift ;;
        --) shift; break ;;
        -*) die "unknown option $1" ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || die "no test programs given"
name=${name:-qemu-$kernel}
mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)
console=$logdir/$name.console.log

if [ -n "$with_cli$with_responder" ] && [ -z "$cargo" ]; then
    die "--with-cli and --with-mctp-responder need --cargo"
fi
if [ -n "$with_cli" ]; then
    log "building the static cxlmi tool"
    "$QEMU_DIR/build-cli-static.sh" "$cargo" "$manifest" "$target_dir" "$logdir/cxlmi-static" >&2
    bins+=("$logdir/cxlmi-static:cxlmi")
fi
if [ -n "$with_responder" ]; then
    log "building the MCTP responder"
    "$QEMU_DIR/build-responder.sh" "$cargo" "$manifest" "$target_dir" "$logdir/cxlmi-qemu-responder" >&2
    responder=$logdir/cxlmi-qemu-responder
fi

"$QEMU_DIR/fetch.sh" all
case "$kernel" in
    stock) bzimage=$CXLMI_QEMU_CACHE/stock/vmlinuz ;;
    custom) bzimage=$("$QEMU_DIR/build-kernel.sh") ;;
    *) die "--kernel stock|custom" ;;
esac

# The initramfs: busybox, /init, the test programs, and for the stock kernel its CXL modules
# (decompressed here: busybox insmod does not read .ko.xz). cxl_pmem is left out on purpose: it
# needs libnvdimm, and without it the kernel does not hold Set LSA for itself, so LSA writes can be
# tested through the kernel's own id.
work=$(mktemp -d "${TMPDIR:-/tmp}/cxlmi-qemu.XXXXXX")
rpid=''
cleanup() {
    rm -rf "$work"
    # The responder normally exits when QEMU closes the line; stop it if it did not.
    if [ -n "$rpid" ]; then kill "$rpid" 2>/dev/null || true; fi
}
trap cleanup EXIT
root=$work/root
mkdir -p "$root"/{bin,proc,sys,dev,tests,modules}
cp "$CXLMI_QEMU_CACHE/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$QEMU_DIR/init.sh" "$root/init"
chmod +x "$root/init"
echo "CXLMI_QEMU_KERNEL=$kernel; export CXLMI_QEMU_KERNEL" >"$root/guest.env"
if [ "$kernel" = stock ]; then
    moddir=$(echo "$CXLMI_QEMU_CACHE"/stock/modules/*/kernel/drivers/cxl)
    for m in cxl_acpi cxl_pci cxl_mem; do
        xz -dc "$moddir/$m.ko.xz" >"$root/modules/$m.ko"
        echo "$m" >>"$root/modules.order"
    done
fi
# FILE or FILE:NAME (installed as /bin/NAME).
for bin in "${bins[@]}"; do
    case "$bin" in
        *:*) cp "${bin%%:*}" "$root/bin/${bin##*:}" ;;
        *) cp "$bin" "$root/bin/" ;;
    esac
done
n=0
for prog in "$@"; do
    [ -x "$prog" ] || die "$prog: not an executable"
    base=${prog##*/}
    case "$base" in *.skip-$kernel) continue ;; esac
    base=${base%.skip-*}
    # A number in front keeps /tests in the order given.
    cp "$prog" "$root/tests/$(printf %02d $n)-$base"
    n=$((n + 1))
done
(cd "$root" && find . | "$CXLMI_QEMU_CACHE/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initramfs.gz"

# Run the host end of the MCTP serial line first: QEMU connects to its socket at start.
mctp_args=()
if [ -n "$responder" ]; then
    sock=$work/mctp.sock
    "$responder" "$sock" >"$logdir/$name.responder.log" 2>&1 &
    rpid=$!
    for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
    [ -S "$sock" ] || die "the MCTP responder did not create $sock (see $logdir/$name.responder.log)"
    mctp_args=(-chardev "socket,id=mctp0,path=$sock" -serial chardev:mctp0)
fi

# The machine of QEMU's CXL documentation: a CXL host bridge (pxb-cxl) with one root port and a
# Type 3 device of 512 MiB volatile memory and a 1 MiB label storage area, and a 4 GiB fixed memory
# window (CFMWS) routed to that host bridge.
qemu_args=(
    -accel tcg -cpu max -smp 1 -m 1G -M q35,cxl=on
    -nodefaults -display none -no-reboot -serial stdio "${mctp_args[@]}"
    -kernel "$bzimage" -initrd "$work/initramfs.gz"
    -append "console=ttyS0 loglevel=4 panic=-1 rdinit=/init"
    -object memory-backend-ram,id=vmem0,size=512M
    -object memory-backend-ram,id=lsa0,size=1M
    -device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
    -device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
    -device cxl-type3,bus=root_port13,volatile-memdev=vmem0,lsa=lsa0,id=cxl-vmem0,sn=0x1234
    -M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G
)
log "booting the $kernel kernel ($n test programs, timeout ${timeout} s); console: $console"
start=$SECONDS
set +e
timeout -k 10 "$timeout" "$CXLMI_QEMU_CACHE/qemu/run-qemu" "${qemu_args[@]}" </dev/null >"$console" 2>&1
qemu_rc=$?
set -e
elapsed=$((SECONDS - start))

# The verdict, from the markers init.sh prints.
M='@@CXLMI-QEMU@@'
tr -d '\r' <"$console" >"$work/console"
failed=0
echo "== $name: $(grep -m1 "^$M kernel" "$work/console" | cut -d' ' -f2-) in ${elapsed} s"
grep "^$M mem0\|^$M no /dev\|^$M insmod" "$work/console" | sed "s/^$M /   /" || true
while read -r _ _ test status; do
    passed=$(sed -n "/^$M BEGIN $test\$/,/^$M END $test /p" "$work/console" | grep -c '^ok ' || true)
    if [ "$status" = 0 ]; then
        echo "   PASS $test ($passed checks)"
    else
        echo "   FAIL $test (exit status $status)"
        sed -n "/^$M BEGIN $test\$/,/^$M END $test /p" "$work/console" | grep '^FAIL' | sed 's/^/        /' || true
        failed=1
    fi
done < <(grep "^$M END " "$work/console")
ran=$(grep -c "^$M END " "$work/console" || true)
if ! grep -q "^$M DONE" "$work/console" || [ "$ran" != "$n" ]; then
    if [ $qemu_rc = 124 ] || [ $qemu_rc = 137 ]; then
        echo "   FAIL: the guest did not finish within ${timeout} s ($ran of $n programs ran)"
    else
        echo "   FAIL: the guest stopped early (QEMU exit status $qemu_rc, $ran of $n programs ran)"
    fi
    tail -30 "$work/console" | sed 's/^/   | /'
    failed=1
fi
echo "   console log: $console"
exit $failed
