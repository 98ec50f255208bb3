# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the tests/qemu scripts (sourced, not run). Everything downloaded or built lives in a
# cache outside the source tree, so nothing fetched is ever committed and a second run reuses it.

CXLMI_QEMU_CACHE=${CXLMI_QEMU_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/cxlmi-qemu}
QEMU_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$QEMU_DIR/../.." && pwd)

# A private apt configuration: our own sources list (bookworm plus bookworm-backports, where the
# QEMU 10 and the 6.12 kernel live), our own lists and archives, and the host's dpkg status, so
# `apt-get install --download-only` fetches exactly what this host lacks and installs nothing.
APT_ROOT=$CXLMI_QEMU_CACHE/apt
export APT_CONFIG=$APT_ROOT/apt.conf

log() { echo "[qemu-tests] $*" >&2; }
die() { echo "[qemu-tests] error: $*" >&2; exit 1; }

# Runs as root when we are, through sudo otherwise (only for host tools the kernel build needs).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

setup_apt() {
    mkdir -p "$APT_ROOT"/{lists/partial,archives/partial,etc/preferences.d,etc/apt.conf.d}
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    cat >"$APT_ROOT/etc/sources.list" <<SRC
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-backports main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
SRC
    cat >"$APT_CONFIG" <<CONF
Dir::Etc::SourceList "$APT_ROOT/etc/sources.list";
Dir::Etc::SourceParts "$APT_ROOT/etc/sources.list.d";
Dir::Etc::Preferences "$APT_ROOT/etc/preferences";
Dir::Etc::PreferencesParts "$APT_ROOT/etc/preferences.d";
Dir::Etc::Parts "$APT_ROOT/etc/apt.conf.d";
Dir::State::Lists "$APT_ROOT/lists";
Dir::Cache "$APT_ROOT/cache";
Dir::Cache::Archives "$APT_ROOT/archives";
Dir::State::status "/var/lib/dpkg/status";
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Debug::NoLocking "true";
CONF
    mkdir -p "$APT_ROOT/etc/sources.list.d" "$APT_ROOT/cache"
    # Refresh the lists at most once a day: package versions move (security updates).
    local stamp=$APT_ROOT/lists/.updated
    if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440)" ]; then
        log "apt-get update (private lists in $APT_ROOT)"
        apt-get -q update >&2 && touch "$stamp"
    fi
}
