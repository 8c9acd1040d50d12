#!/bin/sh
# A fixer that repairs mean() and leaves processes behind, then exits 0:
#   a child in the background that writes its own pid and sleeps (holding the fixer's stdout/stderr),
#   a subshell in the background with a sleeping child of its own (a grandchild of the fixer).
# Every pid goes to the file named by $1 (one per line), so the test can check that all are gone.
set -e
pids=$1
sed -i 's/values.size() - 1)/values.size())/' mathlib/mathlib.cpp
sh -c 'echo $$ >> "$1"; exec sleep 300' sleeper "$pids" &
( sleep 300 & echo $! >> "$pids"; wait ) &
echo $! >> "$pids"
# Exit only once all three pids are written.
while [ "$(wc -l < "$pids")" -lt 3 ]; do sleep 0.05; done
echo "forking-fixer: fixed mean(), left 3 processes running"
