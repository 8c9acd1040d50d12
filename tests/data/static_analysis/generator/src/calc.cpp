#include "calc.h"

double ratio(int a, int b) {
  return a / b;
}

int first() {
  int arr[3] = {1, 2, 3};
  return arr[3];
}

int deref(bool flag) {
  int* p = nullptr;
  if (flag) {
    return 0;
  }
  return *p;
}
