#!/bin/sh
# Regenerates the fixture files in tests/data/junit/ from real runs of CTest 3.25, GoogleTest 1.12,
# Catch2 2.13 and doctest 2.4 (Debian bookworm: cmake, libgtest-dev, catch2, doctest-dev).
# ctest runs with the options runners::run_ctest uses. Usage: generate.sh [work dir]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=$(dirname "$here")
work=${1:-/tmp/junit-fixtures}
rm -rf "$work"
cmake -S "$here" -B "$work" -G Ninja >/dev/null
ninja -C "$work" >/dev/null
cd "$work"
ctest --show-only=json-v1 >"$data/ctest_show_only.json"
mkdir -p out/gtest
status=0
GTEST_OUTPUT="xml:$work/out/gtest/" ctest --output-junit "$work/out/junit.xml" --output-log "$work/out/ctest.log" \
  -j 2 --no-tests=error --test-output-size-passed 4096 --test-output-size-failed 65536 \
  --test-output-truncation middle >/dev/null 2>&1 || status=$?
echo "ctest exit code: $status"
cp out/junit.xml "$data/ctest_junit.xml"
cp out/ctest.log "$data/ctest_log.txt"
cp catch2.xml "$data/catch2_junit.xml"
cp doctest.xml "$data/doctest_junit.xml"
# The whole-binary run is the one GoogleTest file with more than one case. (The single-case files of
# the gtest_discover_tests tests race: two runs of one binary that start together pick the same name.)
for f in out/gtest/*.xml; do
  n=$(grep -c '<testcase' "$f" || true)
  if [ "$n" -gt 1 ]; then cp "$f" "$data/gtest_whole_binary.xml"; fi
done
# What the gtest_discover_tests test of Math.Subtracts runs, on its own.
rm -rf single && GTEST_OUTPUT="xml:$work/single/" ./sample_tests --gtest_filter=Math.Subtracts \
  --gtest_also_run_disabled_tests >/dev/null || true
cp single/sample_tests.xml "$data/gtest_single_case.xml"
# `--gtest_list_tests` with XML output writes a listing, not results (gtest_discover_tests in PRE_TEST
# mode does that while ctest runs).
rm -rf list && GTEST_OUTPUT="xml:$work/list/" ./sample_tests --gtest_list_tests >/dev/null
cp list/sample_tests.xml "$data/gtest_list_tests.xml"
# What each framework prints on its console (a CTest test's output): first failing assertions.
./sample_tests --gtest_filter=-Slow.* >"$data/gtest_console.txt" 2>&1 || true
./catch2_tests >"$data/catch2_console.txt" 2>&1 || true
./doctest_tests >"$data/doctest_console.txt" 2>&1 || true
ls -l "$data"
