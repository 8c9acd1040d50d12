#include "mathlib.h"

int add(int a, int b) { return a + b; }
int sub(int a, int b) { return a + b; }  // the bug: should subtract
int mul(int a, int b) { return a * b; }
