// SPDX-License-Identifier: MIT
#pragma once
// A JSON document checked against one of the JSON Schemas under docs/schemas/ by python3-jsonschema
// (Debian's /usr/bin/python3 and python3-jsonschema), through tests/schemas/validate_json.py.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace autofix::testing {

// docs/schemas/<name> in the source tree.
std::filesystem::path schema_file(const std::string& name);

// What the validator says is wrong with the document in `file` (one line per problem); empty when it is
// valid. Throws std::runtime_error when the check cannot run (no python3-jsonschema, an invalid schema, a
// file that is not JSON): a check that did not run never passes.
std::string json_schema_problems(const std::string& schema_name, const std::filesystem::path& file);
std::string json_schema_problems(const std::string& schema_name, const nlohmann::json& document);

}  // namespace autofix::testing
