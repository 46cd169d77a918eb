#!/usr/bin/env bash
# The one command to see dsp work: installs what is missing, builds the binary, starts a local S3
# server (SeaweedFS on 127.0.0.1) with a bucket, fills a demo folder, runs dsp on it and lists the
# objects. Then dsp keeps watching the demo folder until Ctrl-C (pass --once to stop right away).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
setup_main
exec bun "$ROOT/scripts/demo.ts" "$@"
