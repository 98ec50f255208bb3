#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs inside the QEMU guest: the `cxlmi` tool (statically linked, in /bin) against QEMU's CXL Type 3
# device through the kernel mailbox, on both kernels (CXLMI_QEMU_KERNEL: stock has no RAW commands,
# custom has them). What is checked follows QEMU 10's device: it has no Generic Identify (0001h), so
# the tool identifies it by Identify Memory Device, and does not list Health Info (4200h) in its CEL,
# so the kernel never sends that one.
# Prints one "ok"/"FAIL" line per check, as the C test programs do; exits 1 when any failed.
passed=0 failed=0
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
    name=$1; shift
    if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
has() { grep -qF -- "$1" /tmp/out; }
run() {  # run ARGS...: cxlmi's stdout and stderr in /tmp/out and /tmp/err, exit status in $rc
    cxlmi "$@" >/tmp/out 2>/tmp/err
    rc=$?
    echo "      \$ cxlmi $* -> exit $rc"
    sed 's/^/      | /' /tmp/out /tmp/err
}

command -v cxlmi >/dev/null || { echo "FAIL no cxlmi in the guest"; exit 1; }

run list
check "cxlmi list exits 0" [ "$rc" = 0 ]
check "  ... and lists mem0 through the mailbox ioctl" sh -c 'grep -Eq "^ *mem0 +ioctl " /tmp/out'
run list --json
check "cxlmi list --json exits 0" [ "$rc" = 0 ]
check "  ... and lists mem0 through the mailbox ioctl" sh -c \
    'grep -qF "\"target\": \"mem0\"" /tmp/out && grep -qF "\"transport\": \"ioctl\"" /tmp/out'
check "  ... mem0 is a memory device (Identify Memory Device, as QEMU has no Generic Identify)" \
    has '"name": "type3_device"'

run identify mem0 --json
check "cxlmi identify mem0 --json exits 0" [ "$rc" = 0 ]
check "  ... prints one JSON document" sh -c \
    'head -c1 /tmp/out | grep -q "{" && tail -n1 /tmp/out | grep -qx "}"'
# Generic Identify (0001h) is refused (stock: no kernel id, no RAW) or answered Unsupported (custom,
# RAW), so the tool identifies the device by Identify Memory Device: QEMU's values.
check "  ... a memory device" has '"name": "type3_device"'
check "  ... of the configured 512 MiB" has '"total_bytes": 536870912'
check "  ... with QEMU's firmware revision" has '"fw_revision": "BWFW VERSION 00"'
check "  ... and no Generic Identify fields" has '"serial": null'

run health mem0
# Get Health Info has a kernel id, but QEMU's CEL does not list it: refused on every kernel.
check "cxlmi health mem0 exits 4 (the kernel does not send it)" [ "$rc" = 4 ]
check "  ... with one line naming mem0 and the library's reason" sh -c \
    '[ "$(wc -l </tmp/err)" = 1 ] && grep -q "^cxlmi: mem0: health: Operation not supported.*(4200h) not sent: the device does not list it" /tmp/err'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
