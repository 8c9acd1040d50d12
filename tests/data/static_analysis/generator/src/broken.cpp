#include "missing.h"
int broken() { return 1; }
