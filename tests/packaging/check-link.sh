#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# check-link.sh MESON BUILD_DIR CONSUMER_C EMULATOR
#
# Links a program against libcxlmi the way its users do, from an installation: `meson install
# --destdir` into a scratch directory, then consumer.c compiled with what pkg-config says, found
# there through PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_LIBDIR (the .pc names the real prefix):
#   - fully static: gcc -static with `pkg-config --static --cflags --libs libcxlmi`, which must name
#     the unwinder's static archive (-lgcc_eh), not the shared one (-lgcc_s), for that to link;
#   - dynamically: `pkg-config --cflags --libs libcxlmi`, run against the installed libcxlmi.so.
# Each program must run and print what consumer.c promises. EMULATOR (true or false) says whether
# the library has the emulated fabric. CC is the C compiler (meson's); a missing tool is a skip (77).
set -euo pipefail
meson=$1 build=$2 consumer=$3 emulator=$4
read -r -a cc <<<"${CC:-cc}"
for tool in pkg-config readelf; do
    if ! command -v "$tool" >/dev/null; then
        echo "check-link: no $tool: skipped"
        exit 77
    fi
done

work=$(mktemp -d /tmp/cxlmi-link.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
    echo "check-link: $*" >&2
    exit 1
}

"$meson" install -C "$build" --no-rebuild --quiet --destdir "$work/stage" --tags runtime,devel
pc=$(find "$work/stage" -name libcxlmi.pc -path '*/pkgconfig/*')
[ -n "$pc" ] || fail "meson install put no libcxlmi.pc in $work/stage"
export PKG_CONFIG_SYSROOT_DIR=$work/stage PKG_CONFIG_LIBDIR=${pc%/*}
unset PKG_CONFIG_PATH

static_libs=$(pkg-config --static --libs libcxlmi)
echo "check-link: pkg-config --static --libs libcxlmi: $static_libs"
case " $static_libs " in
*" -lgcc_s "*) fail "the static link flags name -lgcc_s, which has no static archive" ;;
*" -lgcc_eh "*) ;;
*) fail "the static link flags do not name -lgcc_eh, the unwinder Rust's std needs" ;;
esac

expected="mock identify: rc 0, vendor 0x1e98, serial 0x0123456789abcdef, component type 0x03
mock unqueued: rc 3 (cmd is not supported)"
if [ "$emulator" = true ]; then
    expected+=$'\nemulator identify: rc 0, component type 0x03'
else
    expected+=$'\nemulator: not built'
fi
# check_run NAME PROGRAM: runs it (the rest of the environment as given) and compares its output.
check_run() {
    local name=$1 program=$2 out
    out=$("$program" --emulator) || fail "$name: the program failed"
    if [ "$out" != "$expected" ]; then
        printf 'check-link: %s printed\n%s\ninstead of\n%s\n' "$name" "$out" "$expected" >&2
        exit 1
    fi
    echo "check-link: $name: OK"
}

# shellcheck disable=SC2046 # pkg-config's output is a list of arguments
"${cc[@]}" -static -o "$work/consumer-static" "$consumer" $(pkg-config --static --cflags --libs libcxlmi) \
    2>"$work/static.log" || { cat "$work/static.log" >&2; fail "gcc -static through pkg-config failed"; }
# glibc warns that a few functions std links (getaddrinfo, getpwuid_r) would want its shared
# libraries at run time; nothing here calls them. Anything else it says is shown.
grep -v -e 'in statically linked applications requires at' -e ': in function ' "$work/static.log" >&2 || true
# (No `grep -q` after a pipe here: with pipefail, the writer killed by its early exit would fail it.)
headers=$(readelf -l -d "$work/consumer-static")
if [[ "$headers" == *INTERP* || "$headers" == *NEEDED* ]]; then
    fail "the -static program is not statically linked"
fi
check_run "static (gcc -static, pkg-config --static)" "$work/consumer-static"

# shellcheck disable=SC2046
"${cc[@]}" -o "$work/consumer" "$consumer" $(pkg-config --cflags --libs libcxlmi)
[[ "$(readelf -d "$work/consumer")" == *"(NEEDED)"*"[libcxlmi.so]"* ]] || fail "the dynamic program does not need libcxlmi.so"
LD_LIBRARY_PATH=$work/stage$(pkg-config --variable=libdir libcxlmi | sed "s|^$work/stage||") \
    check_run "dynamic (pkg-config)" "$work/consumer"
