// SPDX-License-Identifier: MIT
#include "gate/cli/commands.h"

int main(int argc, char** argv) { return autofix::cli::run(argc, argv); }
