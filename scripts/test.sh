#!/usr/bin/env bash
# The one command that runs every test: installs what is missing (Bun, dependencies, SeaweedFS,
# strace), builds the binary, and runs the unit and integration tests against a real S3 server.
# Arguments go to `bun test` (e.g. a path filter).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
setup_main --with-test-tools
exec bun "$ROOT/scripts/test.ts" "$@"
