#pragma once
inline double half(int x) { return x / 2; }
