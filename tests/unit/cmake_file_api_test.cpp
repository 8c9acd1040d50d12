// SPDX-License-Identifier: MIT
#include "runners/cmake_file_api.h"

#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix::runners {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;
using autofix::testing::write_file;

// A build directory with a handcrafted reply: `source dir` and `build dir` under a TempDir.
class Reply {
 public:
  Reply() {
    write_file(reply_dir() / "index-2024-01-01T00-00-00-0000.json", index_json("codemodel-v2-old.json"));
    // The newest index (largest name) wins; the older one points at a file that does not exist.
    write_file(reply_dir() / "index-2024-01-02T00-00-00-0000.json", index_json("codemodel-v2-abc.json"));
    write_file(reply_dir() / "codemodel-v2-abc.json", codemodel(R"(
      {"name": "Debug", "targets": [
        {"name": "strings", "id": "strings::@1", "jsonFile": "target-strings.json"},
        {"name": "strings_test", "id": "strings_test::@2", "jsonFile": "target-strings_test.json"}]},
      {"name": "Release", "targets": [
        {"name": "strings", "id": "strings::@1", "jsonFile": "target-strings-release.json"}]})"));
    write_file(reply_dir() / "target-strings.json", R"({
      "name": "strings", "id": "strings::@1", "type": "STATIC_LIBRARY",
      "artifacts": [{"path": "lib/libstrings.a"}],
      "paths": {"source": "lib", "build": "lib"},
      "sources": [{"path": "lib/src/strings.cpp"}, {"path": "/elsewhere/generated.cpp", "isGenerated": true}]})");
    write_file(reply_dir() / "target-strings_test.json", R"({
      "name": "strings_test", "id": "strings_test::@2", "type": "EXECUTABLE",
      "artifacts": [{"path": "strings_test"}],
      "paths": {"source": ".", "build": "."},
      "sources": [{"path": "tests/strings_test.cpp"}],
      "dependencies": [{"id": "strings::@1", "backtrace": 2}]})");
    write_file(reply_dir() / "target-strings-release.json", R"({
      "name": "strings", "id": "strings::@1", "type": "STATIC_LIBRARY",
      "artifacts": [{"path": "lib/Release/libstrings.a"}],
      "paths": {"source": "lib", "build": "lib"},
      "sources": [{"path": "lib/src/strings.cpp"}]})");
  }

  std::string index_json(const std::string& codemodel_file) const {
    return R"({"cmake": {"version": {"major": 3, "minor": 25}},
      "objects": [{"kind": "codemodel", "version": {"major": 2, "minor": 4}, "jsonFile": ")" +
           codemodel_file + R"("}],
      "reply": {"codemodel-v2": {"kind": "codemodel", "version": {"major": 2, "minor": 4}, "jsonFile": ")" +
           codemodel_file + R"("}}})";
  }
  std::string codemodel(const std::string& configurations) const {
    return R"({"kind": "codemodel", "version": {"major": 2, "minor": 4},
      "paths": {"source": ")" + source().string() + R"(", "build": ")" + build().string() + R"("},
      "configurations": [)" + configurations + "]}";
  }
  fs::path source() const { return dir_ / "source dir"; }
  fs::path build() const { return dir_ / "build dir"; }
  fs::path reply_dir() const { return build() / ".cmake" / "api" / "v1" / "reply"; }

 private:
  TempDir dir_;
};

Error read_error(const fs::path& build) {
  try {
    read_codemodel(build);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "read_codemodel did not throw";
  return Error(ErrorKind::usage, "");
}

TEST(CMakeFileApi, WritesTheQueryIdempotently) {
  TempDir dir;
  fs::path build = dir / "build dir";
  write_codemodel_query(build);
  fs::path query = build / ".cmake" / "api" / "v1" / "query" / "codemodel-v2";
  ASSERT_TRUE(fs::is_regular_file(query));
  EXPECT_EQ(fs::file_size(query), 0u);
  write_codemodel_query(build);
  EXPECT_TRUE(fs::is_regular_file(query));
  EXPECT_EQ(std::distance(fs::directory_iterator(query.parent_path()), fs::directory_iterator()), 1);
}

TEST(CMakeFileApi, NoReplyIsNullopt) {
  TempDir dir;
  EXPECT_FALSE(read_codemodel(dir / "missing").has_value());
  write_codemodel_query(dir.path());  // a query, never answered
  EXPECT_FALSE(read_codemodel(dir.path()).has_value());
  fs::create_directories(dir / ".cmake/api/v1/reply");
  EXPECT_FALSE(read_codemodel(dir.path()).has_value());
}

TEST(CMakeFileApi, ReadsTheNewestReply) {
  Reply reply;
  auto targets = read_codemodel(reply.build());
  ASSERT_TRUE(targets.has_value());
  ASSERT_EQ(targets->size(), 2u);
  const CMakeTarget& strings = (*targets)[0];
  EXPECT_EQ(strings.id, "strings::@1");
  EXPECT_EQ(strings.name, "strings");
  EXPECT_EQ(strings.type, "STATIC_LIBRARY");
  EXPECT_EQ(strings.artifacts, std::vector<std::string>{(reply.build() / "lib/libstrings.a").string()});
  EXPECT_EQ(strings.sources, (std::vector<std::string>{(reply.source() / "lib/src/strings.cpp").string(),
                                                       "/elsewhere/generated.cpp"}));
  EXPECT_TRUE(strings.dependencies.empty());
  EXPECT_EQ(strings.object_dir, "lib/CMakeFiles/strings.dir/");
  const CMakeTarget& test = (*targets)[1];
  EXPECT_EQ(test.name, "strings_test");
  EXPECT_EQ(test.type, "EXECUTABLE");
  EXPECT_EQ(test.artifacts, std::vector<std::string>{(reply.build() / "strings_test").string()});
  EXPECT_EQ(test.sources, std::vector<std::string>{(reply.source() / "tests/strings_test.cpp").string()});
  EXPECT_EQ(test.dependencies, std::vector<std::string>{"strings::@1"});
  EXPECT_EQ(test.object_dir, "CMakeFiles/strings_test.dir/");
}

TEST(CMakeFileApi, ChoosesTheConfiguration) {
  Reply reply;
  auto release = read_codemodel(reply.build(), "Release");
  ASSERT_TRUE(release.has_value());
  ASSERT_EQ(release->size(), 1u);
  EXPECT_EQ((*release)[0].artifacts, std::vector<std::string>{(reply.build() / "lib/Release/libstrings.a").string()});
  EXPECT_FALSE(read_codemodel(reply.build(), "MinSizeRel").has_value());
}

TEST(CMakeFileApi, FallsBackToTheObjectsOfAClientQuery) {
  Reply reply;
  write_file(reply.reply_dir() / "index-2024-01-03T00-00-00-0000.json",
             R"({"objects": [{"kind": "cache", "version": {"major": 2}, "jsonFile": "cache.json"},
                             {"kind": "codemodel", "version": {"major": 2, "minor": 4}, "jsonFile": "codemodel-v2-abc.json"}],
                 "reply": {"client-ide": {"query.json": {"responses": []}}}})");
  auto targets = read_codemodel(reply.build());
  ASSERT_TRUE(targets.has_value());
  EXPECT_EQ(targets->size(), 2u);
}

TEST(CMakeFileApi, NoCodemodelInTheReplyIsNullopt) {
  Reply reply;
  write_file(reply.reply_dir() / "index-2024-01-03T00-00-00-0000.json",
             R"({"objects": [], "reply": {"codemodel-v2": {"error": "unknown query file"}}})");
  EXPECT_FALSE(read_codemodel(reply.build()).has_value());
  write_file(reply.reply_dir() / "index-2024-01-04T00-00-00-0000.json",
             R"({"objects": [{"kind": 5, "version": {"major": "2"}, "jsonFile": "codemodel-v2-abc.json"},
                             {"kind": "codemodel", "version": {"major": 3}, "jsonFile": "codemodel-v3.json"},
                             {"kind": "codemodel", "version": 2, "jsonFile": "codemodel-v2-abc.json"}]})");
  EXPECT_FALSE(read_codemodel(reply.build()).has_value());
}

TEST(CMakeFileApi, RefusesFileNamesOutsideTheReplyDirectory) {
  for (const std::string name : {"../../../../outside.json", "sub/target.json", "..", "/etc/passwd", ""}) {
    Reply reply;
    write_file(reply.reply_dir() / "codemodel-v2-abc.json",
               reply.codemodel(R"({"name": "", "targets": [{"name": "x", "id": "x::@1", "jsonFile": ")" + name +
                               R"("}]})"));
    Error e = read_error(reply.build());
    EXPECT_EQ(e.kind(), ErrorKind::io) << name;
    EXPECT_NE(std::string(e.what()).find("codemodel-v2-abc.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("refusing jsonFile \"" + name + "\""), std::string::npos) << e.what();
    EXPECT_FALSE(e.hint().empty());
  }
}

TEST(CMakeFileApi, MalformedReplyNamesTheFile) {
  std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"not json", {"target-strings.json", "{\"name\": "}},
      {"array", {"target-strings.json", "[]"}},
      {"no name", {"target-strings.json", R"({"id": "strings::@1", "type": "X", "paths": {"build": "."}})"}},
      {"sources not array", {"target-strings.json",
                             R"({"id": "a", "name": "a", "type": "X", "paths": {"build": "."}, "sources": {}})"}},
      {"no paths", {"target-strings.json", R"({"id": "a", "name": "a", "type": "X"})"}},
      {"no configurations", {"codemodel-v2-abc.json", R"({"kind": "codemodel", "paths": {"source": "/s", "build": "/b"}})"}},
      {"relative roots", {"codemodel-v2-abc.json",
                          R"({"kind": "codemodel", "paths": {"source": "s", "build": "b"}, "configurations": []})"}},
  };
  for (const auto& [what, file_and_text] : cases) {
    Reply reply;
    write_file(reply.reply_dir() / file_and_text.first, file_and_text.second);
    Error e = read_error(reply.build());
    EXPECT_EQ(e.kind(), ErrorKind::io) << what;
    EXPECT_NE(std::string(e.what()).find("malformed CMake File API reply"), std::string::npos) << what << ": " << e.what();
    EXPECT_NE(std::string(e.what()).find(file_and_text.first), std::string::npos) << what << ": " << e.what();
  }
  Reply missing;
  fs::remove(missing.reply_dir() / "target-strings_test.json");
  Error e = read_error(missing.build());
  EXPECT_EQ(e.kind(), ErrorKind::io);
  EXPECT_NE(std::string(e.what()).find("target-strings_test.json"), std::string::npos) << e.what();
}

}  // namespace
}  // namespace autofix::runners
