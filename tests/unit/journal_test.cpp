// SPDX-License-Identifier: MIT
#include "gate/state/journal.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gate/util/error.h"
#include "tests/support/test_support.h"

namespace autofix {
namespace {

namespace fs = std::filesystem;
using autofix::testing::TempDir;

JournalEntry full_entry() {
  return JournalEntry{"attempt", "20261122T041940Z-abc123", 4242, 4343, "2026-11-22T04:19:40Z", "tier 2"};
}

void expect_same(const JournalEntry& a, const JournalEntry& b) {
  EXPECT_EQ(a.operation, b.operation);
  EXPECT_EQ(a.snapshot, b.snapshot);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.process_group, b.process_group);
  EXPECT_EQ(a.started, b.started);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.process_marker, b.process_marker);
  EXPECT_EQ(a.gate_changes, b.gate_changes);
  EXPECT_EQ(a.changes_before, b.changes_before);
  EXPECT_EQ(a.changes_after, b.changes_after);
  EXPECT_EQ(a.saved_state, b.saved_state);
}

TEST(Journal, PathIsJournalJsonInTheStateDirectory) {
  Journal j(fs::path("/x y/state"));
  EXPECT_EQ(j.path(), fs::path("/x y/state/journal.json"));
}

TEST(Journal, NoFileMeansNoUnfinishedOperation) {
  TempDir dir;
  EXPECT_EQ(Journal(dir.path()).read(), std::nullopt);
}

TEST(Journal, RoundTripWithEveryField) {
  TempDir dir;
  Journal j(dir.path());
  j.write(full_entry());
  std::optional<JournalEntry> read = j.read();
  ASSERT_TRUE(read);
  expect_same(*read, full_entry());
}

TEST(Journal, RoundTripOfWhatTheGateChangedAndTheProcessMarker) {
  TempDir dir;
  Journal j(dir.path());
  JournalEntry e = full_entry();
  e.process_marker = "4242-00000000deadbeef";
  e.gate_changes = "known";
  e.changes_before = std::string(40, 'a');
  e.changes_after = std::string(40, 'b');
  j.write(e);
  std::optional<JournalEntry> read = j.read();
  ASSERT_TRUE(read);
  expect_same(*read, e);
}

// A journal written before these fields existed is read as "the gate may have changed anything".
TEST(Journal, JournalWithoutTheNewerFieldsReadsAsUnknownChanges) {
  TempDir dir;
  Journal j(dir.path());
  testing::write_file(j.path(), R"({"format": 1, "operation": "attempt", "snapshot": "s", "pid": 1,
                                   "process_group": null, "started": "t", "phase": "fix"})");
  std::optional<JournalEntry> read = j.read();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->gate_changes, "unknown");
  EXPECT_EQ(read->process_marker, std::nullopt);
  EXPECT_EQ(read->changes_before, std::nullopt);
  EXPECT_EQ(read->saved_state, std::vector<std::string>{});
}

TEST(Journal, RoundTripOfTheSavedState) {
  TempDir dir;
  Journal j(dir.path());
  JournalEntry e = full_entry();
  e.saved_state = {"db", "config files"};
  j.write(e);
  EXPECT_EQ(nlohmann::json::parse(testing::read_file(j.path())).at("saved_state"),
            nlohmann::json::parse(R"(["db", "config files"])"));
  std::optional<JournalEntry> read = j.read();
  ASSERT_TRUE(read);
  expect_same(*read, e);
  EXPECT_EQ(*read, e);
}

TEST(Journal, RoundTripWithoutSnapshotOrProcessGroup) {
  TempDir dir;
  Journal j(dir.path());
  JournalEntry e{"restore", std::nullopt, 17, std::nullopt, "2026-01-01T00:00:00Z", "snapshot"};
  j.write(e);
  std::optional<JournalEntry> read = j.read();
  ASSERT_TRUE(read);
  expect_same(*read, e);
}

TEST(Journal, FileIsFormattedJsonWithNullsForMissingValues) {
  TempDir dir;
  Journal j(dir.path());
  j.write(JournalEntry{"restore", std::nullopt, 17, std::nullopt, "2026-01-01T00:00:00Z", "snapshot"});
  nlohmann::json written = nlohmann::json::parse(testing::read_file(j.path()));
  nlohmann::json expected = {{"format", 1},         {"operation", "restore"},
                             {"snapshot", nullptr}, {"pid", 17},
                             {"process_group", nullptr}, {"started", "2026-01-01T00:00:00Z"},
                             {"phase", "snapshot"}, {"snapshot_commit", nullptr}, {"process_marker", nullptr},
                             {"gate_changes", "unknown"}, {"changes_before", nullptr},
                             {"changes_after", nullptr}};
  EXPECT_EQ(written, expected);
}

TEST(Journal, WriteReplacesThePreviousEntry) {
  TempDir dir;
  Journal j(dir.path());
  j.write(full_entry());
  JournalEntry next = full_entry();
  next.phase = "rollback";
  next.process_group = std::nullopt;
  j.write(next);
  expect_same(*j.read(), next);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"journal.json"});
}

TEST(Journal, ClearRemovesTheFileAndIsIdempotent) {
  TempDir dir;
  Journal j(dir.path());
  j.write(full_entry());
  j.clear();
  EXPECT_FALSE(fs::exists(j.path()));
  EXPECT_EQ(j.read(), std::nullopt);
  EXPECT_NO_THROW(j.clear());
}

void expect_unreadable(const std::string& content, const std::string& why) {
  TempDir dir;
  Journal j(dir.path());
  testing::write_file(j.path(), content);
  try {
    j.read();
    ADD_FAILURE() << "accepted: " << content;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::internal);
    std::string what = e.what();
    EXPECT_EQ(what.rfind("the journal '" + j.path().string() + "' is unreadable: ", 0), 0u) << what;
    EXPECT_NE(what.find(why), std::string::npos) << what;
    EXPECT_NE(e.hint().find("autofix-gate restore"), std::string::npos) << e.hint();
  }
}

TEST(Journal, MalformedFileIsAnInternalErrorNamingThePath) {
  expect_unreadable("{ this is not json", "not a JSON object");
  expect_unreadable("", "not a JSON object");
  expect_unreadable("[1, 2]", "not a JSON object");
  expect_unreadable("\"a string\"", "not a JSON object");
}

TEST(Journal, MissingOrMistypedFieldIsAnInternalErrorNamingThePath) {
  nlohmann::json good = {{"format", 1},        {"operation", "attempt"}, {"snapshot", "s"},
                         {"pid", 1},           {"process_group", nullptr}, {"started", "t"},
                         {"phase", "p"}};
  for (const char* field : {"operation", "snapshot", "pid", "process_group", "started", "phase"}) {
    nlohmann::json j = good;
    j.erase(field);
    expect_unreadable(j.dump(), field);
  }
  nlohmann::json wrong = good;
  wrong["pid"] = "not a number";
  expect_unreadable(wrong.dump(), "type must be number");
  wrong = good;
  wrong["snapshot"] = 12;
  expect_unreadable(wrong.dump(), "type must be string");
}

TEST(Journal, WriteIntoADirectoryWhoseParentIsMissingIsAnIoError) {
  TempDir dir;
  Journal j(dir / "missing" / "autofix");
  try {
    j.write(full_entry());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
  }
  EXPECT_FALSE(fs::exists(dir / "missing")) << "a .git that is gone must stay gone";
}

// A fixer that deletes .git/autofix: the next write creates the state directory again.
TEST(Journal, DeletedStateDirectoryIsCreatedAgain) {
  TempDir dir;
  fs::create_directories(dir / "autofix");
  Journal j(dir / "autofix");
  j.write(full_entry());
  fs::remove_all(dir / "autofix");
  j.write(full_entry(), false);
  EXPECT_EQ(j.read(), full_entry());
  EXPECT_TRUE(fs::exists(dir / "autofix" / "journal.json"));
}

TEST(Journal, MirrorIsWrittenReadWhenTheJournalIsGoneAndClearedWithIt) {
  TempDir dir;
  fs::create_directories(dir / "autofix");
  fs::path mirror = dir / "state home" / "copy" / "journal.json";
  Journal j(dir / "autofix", mirror);
  JournalEntry e = full_entry();
  e.snapshot_commit = std::string(40, 'a');
  j.write(e);
  EXPECT_EQ(testing::read_file(mirror), testing::read_file(j.path()));
  fs::remove_all(dir / "autofix");
  EXPECT_TRUE(j.exists());
  EXPECT_EQ(j.read(), e);
  j.clear();
  EXPECT_FALSE(j.exists());
  EXPECT_EQ(j.read(), std::nullopt);
  EXPECT_FALSE(fs::exists(mirror));
}

// Both are written together; a kill between the two writes leaves the state directory's one newer.
TEST(Journal, TheJournalInTheStateDirectoryWinsOverItsMirror) {
  TempDir dir;
  fs::create_directories(dir / "autofix");
  JournalEntry older = full_entry();
  older.phase = "older";
  Journal(dir / "unused", dir / "mirror.json").write(older);
  Journal(dir / "autofix").write(full_entry());
  EXPECT_EQ(Journal(dir / "autofix", dir / "mirror.json").read(), full_entry());
}

TEST(Journal, OneCopyIsEnough) {
  TempDir dir;
  testing::write_file(dir / "autofix", "a file where the state directory should be\n");
  Journal j(dir / "autofix", dir / "state" / "journal.json");
  j.write(full_entry());
  EXPECT_EQ(j.read(), full_entry());
}

TEST(Journal, PendingWritesKeptRefsAndSnapshotCommitRoundTrip) {
  TempDir dir;
  Journal j(dir.path());
  JournalEntry e = full_entry();
  e.snapshot_commit = std::string(40, 'b');
  e.pending_writes = PendingWrites{4242, {"a file.txt", "dir/b::c", std::string("u\xff(\n.txt")}};  // names are bytes
  e.kept_refs = {"refs/heads/autofix/S1"};
  j.write(e);
  EXPECT_EQ(j.read(), e);
  nlohmann::json written = nlohmann::json::parse(testing::read_file(j.path()));
  EXPECT_EQ(written["pending_writes"]["paths"][2], (nlohmann::json{{"bytes", "75ff280a2e747874"}})) << written.dump();
}

}  // namespace
}  // namespace autofix
