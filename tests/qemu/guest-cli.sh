#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs inside the QEMU guest: the `cxlmi` tool (statically linked, in /bin) against QEMU's CXL Type 3
# device through the kernel mailbox, on both kernels (CXLMI_QEMU_KERNEL: stock has no RAW commands,
# custom has them). What is checked follows QEMU 10's device: it has no Generic Identify (0001h) and
# does not list Health Info (4200h) in its CEL, so the kernel never sends that one.
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

run identify mem0 --json
check "cxlmi identify mem0 --json prints one JSON document" sh -c \
    'head -c1 /tmp/out | grep -q "{" && tail -n1 /tmp/out | grep -qx "}"'
check "  ... about mem0" has '"target": "mem0"'
if [ "$rc" = 0 ]; then
    check "  ... (succeeded)" true
elif [ "$CXLMI_QEMU_KERNEL" = custom ]; then
    # Identify (0001h) goes RAW, and QEMU answers Unsupported: exit 3, the CXL return code named.
    check "  ... QEMU's answer: Unsupported, exit 3" sh -c \
        '[ '"$rc"' = 3 ] && grep -qF "\"return_code_name\": \"UNSUPPORTED\"" /tmp/out'
else
    # No RAW commands: the library refuses 0001h (EOPNOTSUPP), exit 4 with a one-line error.
    check "  ... refused by the kernel: exit 4, EOPNOTSUPP" sh -c \
        '[ '"$rc"' = 4 ] && grep -qF "Operation not supported" /tmp/out'
fi
check "  ... with a one-line error on stderr naming mem0" sh -c \
    '[ '"$rc"' = 0 ] || { [ "$(wc -l </tmp/err)" = 1 ] && grep -q "^cxlmi: mem0: identify: " /tmp/err; }'

run health mem0
# Get Health Info has a kernel id, but QEMU's CEL does not list it: refused on every kernel.
check "cxlmi health mem0 exits 4 (the kernel does not send it)" [ "$rc" = 4 ]
check "  ... with one line naming mem0 and the reason" sh -c \
    '[ "$(wc -l </tmp/err)" = 1 ] && grep -q "^cxlmi: mem0: health: Operation not supported" /tmp/err'

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
