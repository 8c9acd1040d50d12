// SPDX-License-Identifier: MIT
#include "gate/results/severity.h"

#include <array>
#include <utility>

namespace autofix {

namespace {

constexpr std::array<std::pair<std::string_view, FailOn>, 10> kSeverityWords{{
    {"error", FailOn::error},
    {"fatal error", FailOn::error},
    {"warning", FailOn::warning},
    {"style", FailOn::style},
    {"performance", FailOn::style},
    {"portability", FailOn::style},
    {"information", FailOn::any},
    {"debug", FailOn::any},
    {"remark", FailOn::any},
    {"note", FailOn::any},
}};

}  // namespace

const char* to_string(FailOn f) noexcept { return kFailOnTable.c_name_of(f); }

std::optional<FailOn> fail_on_from_string(std::string_view text) noexcept { return kFailOnTable.parse(text); }

FailOn severity_class(std::string_view severity) noexcept {
  for (const auto& [word, level] : kSeverityWords)
    if (word == severity) return level;
  return FailOn::error;
}

bool blocks_at(std::string_view severity, FailOn threshold) noexcept {
  return static_cast<int>(severity_class(severity)) <= static_cast<int>(threshold);
}

FailOn default_fail_on(bool user_chose_the_checks) noexcept {
  return user_chose_the_checks ? FailOn::style : FailOn::warning;
}

const char* sarif_level(std::string_view severity) noexcept {
  switch (severity_class(severity)) {
    case FailOn::error: return "error";
    case FailOn::warning:
    case FailOn::style: return "warning";
    case FailOn::any: return "note";
  }
  return "error";
}

}  // namespace autofix
