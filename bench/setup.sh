#!/usr/bin/env bash
# Install what the export benchmark needs besides the app: LibreOffice's headless spreadsheet
# converter (`soffice --headless --convert-to pdf`), the status quo the benchmark compares with.
#
# Not an app dependency: only `make bench` runs this. Idempotent and silent when `soffice` is
# already there. Needs root (or password-less sudo); otherwise prints the command to run.
set -euo pipefail

# libreoffice-calc-nogui is the smallest package that converts spreadsheets headless: Calc and
# the core without the GUI toolkits.
PACKAGES=(libreoffice-calc-nogui)

log() { printf 'bench/setup.sh: %s\n' "$*" >&2; }

if command -v soffice >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    log "soffice not found and this is not a Debian/Ubuntu system: install LibreOffice Calc"
    log "(the benchmark then skips the LibreOffice comparison)."
    exit 0
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        log "soffice not found; install it with:"
        log "  sudo apt-get update && sudo apt-get install --no-install-recommends ${PACKAGES[*]}"
        log "(the benchmark skips the LibreOffice comparison without it)."
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
log "installing: ${PACKAGES[*]}"
start=$SECONDS
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update >/dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTS[@]}" install --no-install-recommends "${PACKAGES[@]}" >/dev/null
log "done in $((SECONDS - start))s"
command -v soffice >/dev/null 2>&1 || { log "soffice still missing after the install"; exit 1; }
