// Catch2's own main, in a file of its own as Catch2 advises: the test files then compile in a second,
// not the twenty the runner takes (a fix to shapes.h rebuilds them, never this one).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
