#include "calc.h"
#include <cstring>

double twice(int x) { return half(x) * 2; }

void copy(char* out) {
  char buf[4];
  std::strcpy(buf, "too long");
  std::strcpy(out, buf);
}
