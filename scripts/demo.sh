#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 1: install what AutofixGate needs, build it, and run it on the bundled example.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
"$root/examples/run-demo.sh" "${BUILD_DIR:-$root/build}/autofix-gate"
