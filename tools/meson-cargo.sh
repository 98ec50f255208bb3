#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Called by src/meson.build: builds the C library crate (cxlmi-ffi) with cargo, then puts the static
# library where meson promised it (build/src/libcxlmi.a; meson links libcxlmi.so from it) and the
# headers its build script rendered where the header-fresh test compares them with the committed ones
# (build/src/include).
#
#   meson-cargo.sh CARGO MANIFEST TARGET_DIR PROFILE OUT_DIR [extra cargo build arguments...]
#
# PROFILE is the cargo profile meson's buildtype picked (meson.build): dev or release.
# cargo knows the Rust dependency graph, meson does not, so meson runs this every time and cargo
# decides what to rebuild. A file is only copied when its bytes changed, so a no-op cargo run leaves
# the copies (and everything linked against them) alone.
set -eu

cargo=$1 manifest=$2 target_dir=$3 profile=$4 out_dir=$5
shift 5
# cargo's directory for a profile is its name, but for dev's
case $profile in
dev) profile_dir=debug ;;
*) profile_dir=$profile ;;
esac

# cargo's JSON messages name the build script's OUT_DIR; diagnostics still reach the terminal.
messages="$out_dir/.cargo-messages.$$"
mkdir -p "$out_dir"
"$cargo" build --profile "$profile" --manifest-path "$manifest" --target-dir "$target_dir" \
    --message-format=json-render-diagnostics "$@" >"$messages"
headers=$(sed -n 's/.*"reason":"build-script-executed","package_id":"[^"]*cxlmi-ffi[^"]*".*"out_dir":"\([^"]*\)".*/\1/p' \
    "$messages" | tail -n 1)
rm -f "$messages"
if [ -z "$headers" ] || [ ! -f "$headers/include/libcxlmi.h" ]; then
    echo "meson-cargo.sh: cargo finished but named no headers of cxlmi-ffi's build script" >&2
    exit 1
fi

# copy_if_changed FROM TO: a private name and a rename, since another meson run may be copying too.
copy_if_changed() {
    if ! cmp -s "$1" "$2"; then
        mkdir -p "$(dirname "$2")"
        cp -p "$1" "$2.$$"
        mv -f "$2.$$" "$2"
    fi
}

built="$target_dir/$profile_dir/libcxlmi_ffi.a"
if [ ! -f "$built" ]; then
    echo "meson-cargo.sh: cargo finished but $built is missing" >&2
    exit 1
fi
copy_if_changed "$built" "$out_dir/libcxlmi.a"
for h in libcxlmi.h cxlmi/api-types.h cxlmi/test.h cxlmi/emulator.h cxlmi/target.h; do
    copy_if_changed "$headers/include/$h" "$out_dir/include/$h"
done

# Written last: a stamp C compiles wait for (the build order, not its content, matters).
done_h="$out_dir/cxlmi-cargo-done.h"
if [ ! -f "$done_h" ]; then
    echo "/* cargo has built libcxlmi; nothing to include */" > "$done_h.$$"
    mv -f "$done_h.$$" "$done_h"
fi
