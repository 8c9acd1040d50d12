#!/bin/sh
# A CMake test that starts a daemon and passes at once: `sleep 300` in the background, detached from
# the test's output (so that ctest does not wait for it), its pid appended to the file named by $1.
sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >> "$1"
exit 0
