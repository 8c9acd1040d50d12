// SPDX-License-Identifier: MIT
#include "runners/gitleaks_report.h"

#include <algorithm>
#include <climits>

#include <nlohmann/json.hpp>

#include "gate/util/error.h"
#include "runners/junit_reader.h"
#include "gate/util/utf8_text.h"

namespace autofix::runners {

namespace {

using json = nlohmann::json;

[[noreturn]] void refuse(const std::string& source, const std::string& what) {
  throw Error(ErrorKind::io, "cannot read " + source + ": " + what,
              "run gitleaks yourself to see what it writes; the secrets tier reads gitleaks v8's JSON report");
}

class FindingReader {
 public:
  FindingReader(const json& object, size_t index, const std::string& source)
      : object_(object), where_("finding " + std::to_string(index + 1)), source_(source) {}

  const json* field(const char* name, bool required) const {
    auto it = object_.find(name);
    if (it == object_.end()) {
      if (required) fail(std::string("has no \"") + name + "\"");
      return nullptr;
    }
    return &*it;
  }

  std::string string(const char* name, bool required, size_t cap) const {
    const json* v = field(name, required);
    if (!v) return {};
    if (!v->is_string()) fail(std::string("\"") + name + "\" is not a string");
    const std::string& s = v->get_ref<const std::string&>();
    if (required && s.empty()) fail(std::string("\"") + name + "\" is empty");
    if (s.size() > cap) fail(std::string("\"") + name + "\" is longer than " + std::to_string(cap) + " bytes");
    return s;
  }

  int integer(const char* name, bool required, long long min) const {
    const json* v = field(name, required);
    if (!v) return 0;
    if (!v->is_number_integer()) fail(std::string("\"") + name + "\" is not an integer");
    // Positive numbers parse as unsigned, negative ones as signed: read each without overflow.
    long long value = v->is_number_unsigned() ? (v->get<unsigned long long>() > static_cast<unsigned long long>(INT_MAX)
                                                     ? LLONG_MAX
                                                     : static_cast<long long>(v->get<unsigned long long>()))
                                              : v->get<long long>();
    if (value < min || value > INT_MAX)
      fail(std::string("\"") + name + "\" is out of range (" + std::to_string(min) + " to " + std::to_string(INT_MAX) + ")");
    return static_cast<int>(value);
  }

  [[noreturn]] void fail(const std::string& what) const { refuse(source_, where_ + " " + what); }

 private:
  const json& object_;
  std::string where_;
  const std::string& source_;
};

// A description is shown in reports: valid UTF-8, on one line, its start kept when it is too long.
std::string clean_description(const std::string& text) {
  std::string out = sanitize_utf8(text);
  if (out.size() > kMaxGitleaksDescriptionBytes) {
    size_t cut = kMaxGitleaksDescriptionBytes - 3;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    out = out.substr(0, cut) + "\xE2\x80\xA6";
  }
  std::replace_if(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }, ' ');
  return out;
}

}  // namespace

std::vector<GitleaksReportFinding> parse_gitleaks_report(std::string_view text, const std::string& source) {
  if (text.size() > kMaxGitleaksReportBytes)
    refuse(source, "the report has " + std::to_string(text.size()) + " bytes, more than the " +
                       std::to_string(kMaxGitleaksReportBytes) + " the gate reads");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.what() quotes the text around the error, which may be a secret: only the offset is shown.
    refuse(source, "not valid JSON (at byte " + std::to_string(e.byte) + ")");
  }
  std::vector<GitleaksReportFinding> findings;
  if (doc.is_null()) return findings;
  if (!doc.is_array()) refuse(source, "expected a JSON array of findings, got a JSON " + std::string(doc.type_name()));
  if (doc.size() > kMaxGitleaksFindings)
    refuse(source, std::to_string(doc.size()) + " findings, more than the " + std::to_string(kMaxGitleaksFindings) +
                       " the gate reads");
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& item = doc[i];
    if (!item.is_object())
      refuse(source, "finding " + std::to_string(i + 1) + " is a JSON " + std::string(item.type_name()) + ", not an object");
    FindingReader r(item, i, source);
    GitleaksReportFinding f;
    f.rule_id = r.string("RuleID", true, kMaxGitleaksRuleIdBytes);
    if (!std::all_of(f.rule_id.begin(), f.rule_id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        }))
      r.fail("\"RuleID\" holds a character other than A-Z, a-z, 0-9, '_', '-' and '.'");
    f.description = clean_description(r.string("Description", false, 64 * 1024));
    f.file = r.string("File", true, 4096);
    f.start_line = r.integer("StartLine", true, 1);
    f.end_line = r.integer("EndLine", true, 1);
    if (f.end_line < f.start_line) r.fail("\"EndLine\" is before \"StartLine\"");
    f.start_column = r.integer("StartColumn", false, 0);
    f.secret = r.string("Secret", true, kMaxGitleaksSecretBytes);
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace autofix::runners
