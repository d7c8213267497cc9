#!/usr/bin/env bash
# Make sure the export benchmark has what it compares with: LibreOffice's headless spreadsheet
# converter (`soffice --headless --convert-to pdf`), the status quo.
#
# LibreOffice (libreoffice-calc-nogui) is one of the test packages of
# scripts/install-system-packages.sh, which `make setup` runs (tests/test_libreoffice.py opens
# our XLSX files in it), so there is one list of packages and one way to install them; this
# script only runs that installer again and says what it means for the benchmark when `soffice`
# is still missing (the benchmark then skips the LibreOffice comparison).
set -euo pipefail

log() { printf 'bench/setup.sh: %s\n' "$*" >&2; }

if command -v soffice >/dev/null 2>&1; then
    exit 0
fi
bash "$(dirname "${BASH_SOURCE[0]}")/../scripts/install-system-packages.sh"
if ! command -v soffice >/dev/null 2>&1; then
    log "soffice not found: the benchmark skips the LibreOffice comparison"
    log "(install libreoffice-calc-nogui, see scripts/install-system-packages.sh)."
fi
