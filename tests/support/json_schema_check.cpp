// SPDX-License-Identifier: MIT
#include "tests/support/json_schema_check.h"

#include <stdexcept>

#include "tests/support/test_support.h"

namespace autofix::testing {

namespace fs = std::filesystem;

fs::path schema_file(const std::string& name) { return fs::path(AUTOFIX_GATE_SOURCE_DIR) / "docs" / "schemas" / name; }

std::string json_schema_problems(const std::string& schema_name, const fs::path& file) {
  const fs::path validator = fs::path(AUTOFIX_GATE_SOURCE_DIR) / "tests" / "schemas" / "validate_json.py";
  runners::ProcessResult r =
      run({"/usr/bin/python3", validator.string(), schema_file(schema_name).string(), file.string()}, file.parent_path());
  if (r.exit_code == 0 && r.signal == 0) return {};
  if (r.exit_code == 1 && r.signal == 0 && !r.out.empty()) return r.out;
  throw std::runtime_error("validate_json.py could not check " + file.string() + " (" + r.describe() + "): " + r.err + r.out);
}

std::string json_schema_problems(const std::string& schema_name, const nlohmann::json& document) {
  TempDir dir;
  write_file(dir / "document.json", document.dump(2));
  return json_schema_problems(schema_name, dir / "document.json");
}

}  // namespace autofix::testing
