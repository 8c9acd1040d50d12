#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README command 2 (and CI): install what AutofixGate needs, build it, and run the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
# Two jobs: the machines this runs on have two cores. Per-test limit guards against a hung test.
ctest --test-dir "$build_dir" -j 2 --timeout 900 --output-on-failure "$@"
