// doctest's own main, in a file of its own (as for Catch2): a fix to shapes.h rebuilds only the test file.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
