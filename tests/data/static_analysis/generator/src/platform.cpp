#ifdef USE_A
int pick() { return 1; }
#elif defined(USE_B)
int pick() { return 2; }
#else
int pick() {
  int x[2] = {0, 0};
  return x[2];
}
#endif
