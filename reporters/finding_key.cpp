// SPDX-License-Identifier: MIT
#include "reporters/finding_key.h"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/uuid.hpp>

#include "gate/util/byte_names.h"

namespace autofix::reporters {

namespace {

// autofix-gate's namespace for finding keys: a random UUID chosen once. Changing it changes every key,
// and with them every alert's identity on GitHub and GitLab.
constexpr boost::uuids::uuid kNamespace = {
    {0xd0, 0xdf, 0xda, 0x53, 0x92, 0x4c, 0x4e, 0xc2, 0xa5, 0x58, 0x55, 0x4f, 0x60, 0x0e, 0xd9, 0x93}};

// Length-prefixed fields: no choice of bytes in one field can make two names equal.
void add_field(std::string& name, const std::string& value) { name += std::to_string(value.size()) + ":" + value + "\n"; }

std::string uuid5_hex(const std::string& name) {
  boost::uuids::name_generator_sha1 generate(kNamespace);
  boost::uuids::uuid id = generate(name);
  return hex_bytes(std::string_view(reinterpret_cast<const char*>(id.data), sizeof id.data));
}

}  // namespace

std::string finding_key(TierKind kind, const Finding& f) {
  std::string name;
  auto field = [&](const std::string& value) { add_field(name, value); };
  field("autofix-gate finding key v1");
  field(to_string(kind));
  field(f.rule);
  if (!f.fingerprint.empty()) {
    field(f.fingerprint);
  } else {
    field(f.file);
    field(std::to_string(f.line));
    field(f.message);
  }
  return uuid5_hex(name);
}

std::string regression_key(const TestKey& test) {
  std::string name;
  add_field(name, "autofix-gate test regression key v1");
  add_field(name, test.ctest_test);
  add_field(name, test.case_name);
  return uuid5_hex(name);
}

}  // namespace autofix::reporters
