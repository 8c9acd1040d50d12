#include <cstdio>
#include <cstring>

#include "mathlib.h"

// math_test add|sub|mul: exit 0 when the operation gives the expected results.
int main(int argc, char** argv) {
  if (argc != 2) return 2;
  bool ok = false;
  if (std::strcmp(argv[1], "add") == 0) ok = add(2, 3) == 5 && add(-1, 1) == 0;
  else if (std::strcmp(argv[1], "sub") == 0) ok = sub(5, 3) == 2 && sub(0, 4) == -4;
  else if (std::strcmp(argv[1], "mul") == 0) ok = mul(4, 3) == 12 && mul(-2, 3) == -6;
  std::printf("%s: %s\n", argv[1], ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
