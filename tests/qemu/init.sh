#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# /init of the guest initramfs (busybox). Loads the CXL modules when the kernel has them as modules
# (the stock kernel; the custom one has them built in), waits for the memory device node, runs each
# program in /tests in order and reports on the console between markers the host runner parses:
#   @@CXLMI-QEMU@@ BEGIN <test>         @@CXLMI-QEMU@@ END <test> <exit status>
#   @@CXLMI-QEMU@@ DONE                 (every test ran; anything missing means the guest died)
# then powers off, which ends QEMU.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /tmp
M='@@CXLMI-QEMU@@'
. /guest.env
echo "$M kernel $(uname -r) ($CXLMI_QEMU_KERNEL)"

for m in $(cat /modules.order 2>/dev/null); do
    insmod "/modules/$m.ko" || echo "$M insmod $m failed"
done

# The node appears once cxl_acpi, cxl_pci and cxl_mem have probed (about 7 s on the stock kernel
# under TCG, 2.5 s on the custom one).
i=0
while [ ! -e /dev/cxl/mem0 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if [ -e /dev/cxl/mem0 ]; then
    echo "$M mem0 after $(cut -d' ' -f1 /proc/uptime) s of uptime"
else
    echo "$M no /dev/cxl/mem0 after 60 s"; dmesg | tail -40
fi

for t in /tests/*; do
    name=${t##*/}
    echo "$M BEGIN $name"
    "$t"
    echo "$M END $name $?"
done
echo "$M DONE"
poweroff -f
