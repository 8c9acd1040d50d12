// SPDX-License-Identifier: MIT
#include "gate/util/build_info.h"

#include <boost/version.hpp>

namespace autofix {

namespace {

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return "GCC " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." + std::to_string(__GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

}  // namespace

BuildInfo build_info() {
  return {AUTOFIX_GATE_VERSION, build_commit(), build_dirty(), compiler(),
          std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000)};
}

}  // namespace autofix
