#pragma once

#include "shapes/perimeter.h"

namespace shapes {

int area(int width, int height);
int clamp(int value, int low, int high);
int digits(int value);
int sum_to(int n);
int average(int a, int b);
// How many times 2 can be taken from n before it is used up.
int halvings(int n);

}  // namespace shapes
