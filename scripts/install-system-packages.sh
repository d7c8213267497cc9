#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the app and its tests need, only if they are missing.
#
# Idempotent and silent when everything is already present. Runs `apt-get update` only when
# something has to be installed. Needs root (or password-less sudo) to install; otherwise it
# prints what is missing and how to install it.
#
# Environment:
#   PYTHON   interpreter `make setup` will build .venv with (default: python3.11). If it is
#            missing or cannot create a venv, python3.11 + python3.11-venv are added to the list.
#   CI       when "true", every package counts as required (missing => exit 1).
set -euo pipefail

PYTHON="${PYTHON:-python3.11}"

# Needed by the application itself (WeasyPrint PDF export with Chinese text).
REQUIRED=(
    libpango-1.0-0        # WeasyPrint text layout
    libpangoft2-1.0-0     # WeasyPrint font loading
    libharfbuzz0b         # text shaping
    libharfbuzz-subset0   # font subsetting: without it PDFs embed whole CJK fonts (slow, huge)
    fontconfig            # font discovery (fc-list, fc-match)
    fonts-noto-cjk        # Simplified Chinese glyphs (Noto Sans/Serif CJK SC)
)
# Needed only by parts of the test suite / CI.
TEST_ONLY=(
    poppler-utils         # pdftotext, pdftoppm: export tests read the generated PDFs
    chromium              # browser tests (/usr/bin/chromium)
    chromium-driver       # browser tests (/usr/bin/chromedriver)
    postgresql-client     # psql, createdb, pg_isready: used by .ci/run
    # soffice (headless LibreOffice Calc, no GUI toolkits): tests/test_libreoffice.py opens our
    # XLSX files in it, and bench/exports.py compares with it. The smallest package that
    # converts spreadsheets: 56 packages, ~88 MB download, ~272 MB installed.
    libreoffice-calc-nogui
    # The shared cache (REDIS_URL): tests/test_portal_cache.py and the two-process test use a
    # Redis server at 127.0.0.1:6379; .ci/run starts it. Production runs its own Redis.
    redis-server
)

log() { printf 'install-system-packages: %s\n' "$*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    log "not a Debian/Ubuntu system; cannot check packages automatically."
    log "make sure these (or your platform's equivalents) are installed:"
    log "  ${REQUIRED[*]} ${TEST_ONLY[*]}"
    exit 0
fi

is_installed() {
    local status
    status="$(dpkg-query -W -f='${db:Status-Status}\n' "$1" 2>/dev/null || true)"
    [[ "$status" == *installed* && "$status" != *not-installed* ]] && return 0
    # A versioned client package (postgresql-client-15, ...) satisfies the metapackage.
    if [[ "$1" == postgresql-client ]]; then
        dpkg-query -W -f='${db:Status-Status}\n' 'postgresql-client-[0-9]*' 2>/dev/null \
            | grep -qx installed && return 0
    fi
    # The desktop LibreOffice Calc converts just as well; installing the -nogui package would
    # remove it (the two conflict).
    if [[ "$1" == libreoffice-calc-nogui ]]; then
        is_installed libreoffice-calc && return 0
    fi
    return 1
}

python_can_make_venv() {
    command -v "$PYTHON" >/dev/null 2>&1 \
        && "$PYTHON" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))' \
            >/dev/null 2>&1
}

missing_required=()
missing_optional=()
for pkg in "${REQUIRED[@]}"; do
    is_installed "$pkg" || missing_required+=("$pkg")
done
for pkg in "${TEST_ONLY[@]}"; do
    is_installed "$pkg" || missing_optional+=("$pkg")
done
# npm installs axe-core for the browser tests' accessibility checks (Makefile: axe). Any Node.js
# with npm will do (NodeSource's nodejs ships npm itself); Debian's come as two packages.
if ! command -v npm >/dev/null 2>&1; then
    for pkg in nodejs npm; do
        is_installed "$pkg" && [[ "$pkg" == nodejs ]] && continue
        missing_optional+=("$pkg")
    done
fi
if ! python_can_make_venv; then
    for pkg in python3.11 python3.11-venv; do
        is_installed "$pkg" || missing_required+=("$pkg")
    done
fi
if [[ "${CI:-}" == "true" && ${#missing_optional[@]} -gt 0 ]]; then
    missing_required+=("${missing_optional[@]}")
    missing_optional=()
fi

missing=("${missing_required[@]}" "${missing_optional[@]}")
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        log "missing Debian packages: ${missing[*]}"
        log "install them with:"
        log "  sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}"
        if [[ ${#missing_required[@]} -gt 0 ]]; then
            log "required: ${missing_required[*]}"
            exit 1
        fi
        log "only test tools are missing; PDF-text, LibreOffice and browser tests will not run"
        log "without them."
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)

log "installing: ${missing[*]}"
start=$SECONDS
"${SUDO[@]}" apt-get "${APT_OPTS[@]}" update >/dev/null
# Recommends are not needed for any of these (chromium runs headless without them).
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get "${APT_OPTS[@]}" install --no-install-recommends "${missing[@]}" >/dev/null
log "done in $((SECONDS - start))s"

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -gt 0 ]]; then
    log "still missing after apt-get install: ${still_missing[*]}"
    exit 1
fi
