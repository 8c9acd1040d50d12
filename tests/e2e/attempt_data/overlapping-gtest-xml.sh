#!/bin/sh
# A CMake test that passes, and leaves in GoogleTest's output directory ($GTEST_OUTPUT, "xml:DIR/") what
# two runs of one test binary leave when they overlap under `ctest -j` and pick the same "unique" file
# name (GoogleTest checks that the name is free, then opens it): both write their report from offset 0,
# so the shorter report is followed by the tail of the longer one. $1 is the parser_test binary.
set -e
case "$GTEST_OUTPUT" in xml:*/) dir=${GTEST_OUTPUT#xml:} ;; *) exit 0 ;; esac
tmp=$(mktemp -d)
"$1" --gtest_filter=ParserTest.ParsesCommaSeparatedNumbers --gtest_output="xml:$tmp/long.xml" >/dev/null
"$1" --gtest_filter=ParserTest.RejectsWords --gtest_output="xml:$tmp/short.xml" >/dev/null
cp "$tmp/long.xml" "$tmp/both.xml"
dd if="$tmp/short.xml" of="$tmp/both.xml" conv=notrunc status=none
mv "$tmp/both.xml" "${dir}parser_test_9.xml"
rm -rf "$tmp"
