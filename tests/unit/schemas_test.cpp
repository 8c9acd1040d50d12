// SPDX-License-Identifier: MIT
// The JSON Schemas under docs/schemas/: the closed sets they list are the gate's own tables, and the gate
// reads the example configurations (tests/data/config) as the configuration schema does (tests/schemas
// validates the same files against it).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/policy/config.h"
#include "gate/results/attempt_result.h"
#include "gate/results/state_hook.h"
#include "gate/util/error.h"
#include "tests/support/json_schema_check.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json schema(const std::string& name) {
  std::ifstream in(testing::schema_file(name));
  return json::parse(in);
}

// The names of a closed set, in its table's order.
template <typename Table>
json names_of(const Table& table) {
  json out = json::array();
  for (std::string_view name : table.names()) out.push_back(std::string(name));
  return out;
}

TEST(ReportSchema, ListsTheResultModelsClosedSets) {
  const json s = schema("report.schema.json");
  const json& p = s.at("properties");
  const json& defs = s.at("$defs");
  EXPECT_EQ(p.at("verdict").at("enum"), names_of(kVerdicts));
  EXPECT_EQ(p.at("on_accept").at("enum"), names_of(kOnAcceptModes));
  EXPECT_EQ(defs.at("file_status").at("enum"), names_of(kFileStatuses));
  EXPECT_EQ(defs.at("transition").at("enum"), names_of(kTransitions));
  EXPECT_EQ(p.at("tests_status").at("required"), names_of(kTransitions));
  EXPECT_EQ(defs.at("run_status").at("enum"), names_of(kRunStatuses));
  EXPECT_EQ(p.at("lane").at("properties").at("lane").at("enum"), names_of(kLanes));
  EXPECT_EQ(p.at("risk").at("properties").at("level").at("enum"), names_of(kRiskLevels));
  EXPECT_EQ(defs.at("tier").at("properties").at("kind").at("enum"), names_of(kTierKinds));
  EXPECT_EQ(defs.at("tier").at("properties").at("status").at("enum"), names_of(kTierStatuses));
  EXPECT_EQ(defs.at("finding").at("properties").at("state").at("enum"), names_of(kFindingStates));
  EXPECT_EQ(p.at("cascading").at("items").at("properties").at("kind").at("enum"), names_of(kCascadeKinds));
  EXPECT_EQ(p.at("tampering").at("items").at("properties").at("kind").at("enum"), names_of(kTamperKinds));
}

TEST(ConfigSchema, ListsTheConfigurationsClosedSets) {
  const json s = schema("autofix-gate.schema.json");
  const json& defs = s.at("$defs");
  EXPECT_EQ(defs.at("kind").at("enum"), names_of(kTierKinds));
  EXPECT_EQ(defs.at("lane").at("enum"), names_of(kLanes));
  EXPECT_EQ(defs.at("tier").at("properties").at("fail_on").at("enum"), names_of(kFailOnTable));
  EXPECT_EQ(s.at("properties").at("protect").at("items").at("properties").at("level").at("enum"), names_of(kRiskLevels));
  json state_kinds = json::array();  // one alternative of state_hook per kind, in the table's order
  for (const json& alternative : defs.at("state_hook").at("oneOf"))
    state_kinds.push_back(alternative.at("properties").at("kind").at("const"));
  EXPECT_EQ(state_kinds, names_of(kStateHookKinds));
  // The kinds the schema keeps out of the docs lane are those that need a build.
  json need_build = json::array();
  for (const TierKindRow& row : kTierKindRows)
    if (row.needs_build) need_build.push_back(std::string(row.name));
  EXPECT_EQ(defs.at("tier").at("allOf").at(4).at("if").at("properties").at("kind").at("enum"), need_build);
}

std::vector<fs::path> configurations(const std::string& kind) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(AUTOFIX_GATE_TEST_DATA) / "config" / kind)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The same files tests/schemas/schemas_test.py gives the schema: the gate reads the valid ones and refuses
// every invalid one, so the schema says what the gate does.
TEST(ConfigSchema, TheGateAgreesOnEveryExampleConfiguration) {
  std::vector<fs::path> valid = configurations("valid"), invalid = configurations("invalid");
  ASSERT_GE(valid.size(), 3u);
  ASSERT_GE(invalid.size(), 30u);
  for (const fs::path& f : valid) EXPECT_NO_THROW(parse_config(testing::read_file(f), f.filename().string())) << f;
  for (const fs::path& f : invalid) {
    try {
      parse_config(testing::read_file(f), f.filename().string());
      ADD_FAILURE() << f << " was read";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << f << ": " << e.what();
    }
  }
}

// What the gate writes back as its effective configuration (to_json) is valid too.
TEST(ConfigSchema, TheEffectiveConfigurationIsValid) {
  for (const fs::path& f : configurations("valid")) {
    GateConfig c = parse_config(testing::read_file(f), f.filename().string());
    EXPECT_EQ(testing::json_schema_problems("autofix-gate.schema.json", to_json(c)), "") << f;
  }
  EXPECT_EQ(testing::json_schema_problems("autofix-gate.schema.json", to_json(default_config(AUTOFIX_GATE_TEST_DATA))), "");
}

}  // namespace
}  // namespace autofix
