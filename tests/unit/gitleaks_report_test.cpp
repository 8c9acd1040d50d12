// SPDX-License-Identifier: MIT
#include "runners/gitleaks_report.h"

#include <gtest/gtest.h>

#include "gate/util/error.h"

namespace autofix::runners {
namespace {

// A report as gitleaks v8 writes it (report/json.go: encoding/json, one-space indent, the fields of
// report/finding.go in order; testdata/expected/report/json_simple.json has the same shape). The secret
// is put together at run time so that this file holds none.
const std::string kSecret = std::string("plant_") + "q8zr3vn1xyp0lmt7wk2c";

std::string real_report() {
  return R"([
 {
  "RuleID": "planted-token",
  "Description": "Planted test token.",
  "StartLine": 3,
  "EndLine": 3,
  "StartColumn": 12,
  "EndColumn": 37,
  "Match": "api_token = )" + kSecret + R"(",
  "Secret": ")" + kSecret + R"(",
  "File": "staged/repo/src/config dir/app.env",
  "SymlinkFile": "",
  "Commit": "",
  "Entropy": 4.0849624,
  "Author": "",
  "Email": "",
  "Date": "",
  "Message": "",
  "Tags": [],
  "Fingerprint": "staged/repo/src/config dir/app.env:planted-token:3"
 },
 {
  "RuleID": "private-key",
  "Description": "Identified a Private Key, which may compromise cryptographic security and sensitive data encryption.",
  "StartLine": 7,
  "EndLine": 9,
  "StartColumn": 1,
  "EndColumn": 31,
  "Match": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
  "Secret": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
  "File": "staged/repo/keys/a.pem",
  "SymlinkFile": "",
  "Commit": "",
  "Entropy": 3.2,
  "Author": "",
  "Email": "",
  "Date": "",
  "Message": "",
  "Tags": [],
  "Fingerprint": "staged/repo/keys/a.pem:private-key:7"
 }
]
)";
}

// The message of the Error(io) that parsing `text` throws.
std::string refusal(const std::string& text) {
  try {
    parse_gitleaks_report(text, "report.json");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io) << e.what();
    EXPECT_NE(e.hint().find("gitleaks"), std::string::npos);
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text.substr(0, 200);
  return {};
}

// One finding object with `field` replaced by `value` (a JSON fragment), or removed when value is empty.
std::string with_field(const std::string& field, const std::string& value) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"RuleID", "\"planted-token\""}, {"Description", "\"Planted.\""}, {"StartLine", "1"}, {"EndLine", "1"},
      {"StartColumn", "1"},           {"Secret", "\"" + kSecret + "\""}, {"File", "\"staged/repo/a.txt\""}};
  std::string out = "[{";
  bool first = true;
  for (auto& [name, v] : fields) {
    if (name == field && value.empty()) continue;
    out += (first ? "" : ", ") + ("\"" + name + "\": ") + (name == field ? value : v);
    first = false;
  }
  return out + "}]";
}

TEST(GitleaksReport, ReadsTheRealFormat) {
  auto findings = parse_gitleaks_report(real_report(), "report.json");
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].rule_id, "planted-token");
  EXPECT_EQ(findings[0].description, "Planted test token.");
  EXPECT_EQ(findings[0].file, "staged/repo/src/config dir/app.env");
  EXPECT_EQ(findings[0].start_line, 3);
  EXPECT_EQ(findings[0].end_line, 3);
  EXPECT_EQ(findings[0].start_column, 12);
  EXPECT_EQ(findings[0].secret, kSecret);
  EXPECT_EQ(findings[1].rule_id, "private-key");
  EXPECT_EQ(findings[1].start_line, 7);
  EXPECT_EQ(findings[1].end_line, 9);
  EXPECT_EQ(findings[1].secret, "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----");
}

TEST(GitleaksReport, NothingFound) {
  EXPECT_TRUE(parse_gitleaks_report("[]\n", "r").empty());
  EXPECT_TRUE(parse_gitleaks_report("null\n", "r").empty());  // what a nil Go slice encodes to
}

TEST(GitleaksReport, OptionalFieldsAndUnknownOnes) {
  auto f = parse_gitleaks_report(R"([{"RuleID": "a.b_c-1", "StartLine": 2, "EndLine": 2, "Secret": "s3cr3t",
      "File": "staged/repo/x", "Extra": {"nested": [1, 2]}, "Link": "https://example.com"}])", "r");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].rule_id, "a.b_c-1");
  EXPECT_EQ(f[0].description, "");
  EXPECT_EQ(f[0].start_column, 0);
}

TEST(GitleaksReport, DescriptionsAreCleanedAndCapped) {
  auto f = parse_gitleaks_report(with_field("Description", "\"line one\\nline\\ttwo\\u0007\""), "r");
  EXPECT_EQ(f.at(0).description, "line one line two ");
  auto long_one = parse_gitleaks_report(with_field("Description", "\"" + std::string(10000, 'd') + "\""), "r");
  EXPECT_LE(long_one.at(0).description.size(), kMaxGitleaksDescriptionBytes);
  EXPECT_EQ(long_one.at(0).description, std::string(kMaxGitleaksDescriptionBytes - 3, 'd') + "\xE2\x80\xA6");
  auto wide = parse_gitleaks_report(with_field("Description", "\"" + std::string(510, 'd') + "\u00e9\u00e9\""), "r");
  EXPECT_EQ(wide.at(0).description, std::string(509, 'd') + "\xE2\x80\xA6");  // not half of the 'é
}

TEST(GitleaksReport, RefusesWhatIsNotJsonWithoutQuotingIt) {
  std::string truncated = real_report().substr(0, 200);
  std::string message = refusal(truncated);
  EXPECT_EQ(message, "cannot read report.json: not valid JSON (at byte 201)");
  EXPECT_EQ(refusal("[{\"Secret\": \"" + kSecret + "\" \"x\"}]").find(kSecret), std::string::npos);
  EXPECT_EQ(refusal(""), "cannot read report.json: not valid JSON (at byte 1)");
  EXPECT_EQ(refusal("[\"\xff\xfe\"]").substr(0, 38), "cannot read report.json: not valid JSO");
}

TEST(GitleaksReport, RefusesTheWrongShapes) {
  EXPECT_EQ(refusal("{}"), "cannot read report.json: expected a JSON array of findings, got a JSON object");
  EXPECT_EQ(refusal("\"[]\""), "cannot read report.json: expected a JSON array of findings, got a JSON string");
  EXPECT_EQ(refusal("[[]]"), "cannot read report.json: finding 1 is a JSON array, not an object");
  EXPECT_EQ(refusal(real_report().substr(0, real_report().rfind(']')) + ", 5]"),
            "cannot read report.json: finding 3 is a JSON number, not an object");
  // Deep nesting is read without recursion, and refused for its shape.
  EXPECT_EQ(refusal(std::string(100000, '[') + std::string(100000, ']')),
            "cannot read report.json: finding 1 is a JSON array, not an object");
}

TEST(GitleaksReport, RefusesMissingAndMistypedFields) {
  EXPECT_EQ(refusal(with_field("RuleID", "")), "cannot read report.json: finding 1 has no \"RuleID\"");
  EXPECT_EQ(refusal(with_field("Secret", "")), "cannot read report.json: finding 1 has no \"Secret\"");
  EXPECT_EQ(refusal(with_field("File", "")), "cannot read report.json: finding 1 has no \"File\"");
  EXPECT_EQ(refusal(with_field("StartLine", "")), "cannot read report.json: finding 1 has no \"StartLine\"");
  EXPECT_EQ(refusal(with_field("EndLine", "")), "cannot read report.json: finding 1 has no \"EndLine\"");
  EXPECT_EQ(refusal(with_field("RuleID", "7")), "cannot read report.json: finding 1 \"RuleID\" is not a string");
  EXPECT_EQ(refusal(with_field("RuleID", "\"a rule\"")),
            "cannot read report.json: finding 1 \"RuleID\" holds a character other than A-Z, a-z, 0-9, '_', '-' and '.'");
  EXPECT_EQ(refusal(with_field("RuleID", "\"" + std::string(129, 'r') + "\"")),
            "cannot read report.json: finding 1 \"RuleID\" is longer than 128 bytes");
  EXPECT_EQ(refusal(with_field("Secret", "\"\"")), "cannot read report.json: finding 1 \"Secret\" is empty");
  EXPECT_EQ(refusal(with_field("Secret", "null")), "cannot read report.json: finding 1 \"Secret\" is not a string");
  EXPECT_EQ(refusal(with_field("Secret", "\"" + std::string(kMaxGitleaksSecretBytes + 1, 's') + "\"")),
            "cannot read report.json: finding 1 \"Secret\" is longer than 65536 bytes");
  EXPECT_EQ(refusal(with_field("Description", "[]")), "cannot read report.json: finding 1 \"Description\" is not a string");
  EXPECT_EQ(refusal(with_field("StartLine", "\"3\"")), "cannot read report.json: finding 1 \"StartLine\" is not an integer");
  EXPECT_EQ(refusal(with_field("StartLine", "1.5")), "cannot read report.json: finding 1 \"StartLine\" is not an integer");
  EXPECT_EQ(refusal(with_field("StartLine", "1e30")), "cannot read report.json: finding 1 \"StartLine\" is not an integer");
  EXPECT_EQ(refusal(with_field("StartLine", "0")),
            "cannot read report.json: finding 1 \"StartLine\" is out of range (1 to 2147483647)");
  EXPECT_EQ(refusal(with_field("StartLine", "-4")),
            "cannot read report.json: finding 1 \"StartLine\" is out of range (1 to 2147483647)");
  EXPECT_EQ(refusal(with_field("StartLine", "2147483648")),
            "cannot read report.json: finding 1 \"StartLine\" is out of range (1 to 2147483647)");
  EXPECT_EQ(refusal(with_field("StartLine", "18446744073709551615")),
            "cannot read report.json: finding 1 \"StartLine\" is out of range (1 to 2147483647)");
  EXPECT_EQ(refusal(with_field("StartColumn", "-1")),
            "cannot read report.json: finding 1 \"StartColumn\" is out of range (0 to 2147483647)");
  EXPECT_EQ(refusal(with_field("EndLine", "0")),
            "cannot read report.json: finding 1 \"EndLine\" is out of range (1 to 2147483647)");
  EXPECT_EQ(refusal(with_field("StartLine", "5")), "cannot read report.json: finding 1 \"EndLine\" is before \"StartLine\"");
}

TEST(GitleaksReport, RefusesWhatIsTooLarge) {
  std::string many = "[";
  for (size_t i = 0; i <= kMaxGitleaksFindings; ++i) many += i ? ",{}" : "{}";
  many += "]";
  EXPECT_EQ(refusal(many), "cannot read report.json: 100001 findings, more than the 100000 the gate reads");
  std::string huge(kMaxGitleaksReportBytes + 1, ' ');
  EXPECT_EQ(refusal(huge), "cannot read report.json: the report has 67108865 bytes, more than the 67108864 the gate reads");
}

}  // namespace
}  // namespace autofix::runners
