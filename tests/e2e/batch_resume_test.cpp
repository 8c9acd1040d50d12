// SPDX-License-Identifier: MIT
// `autofix-gate batch --resume ID` after kill -9, end to end, on a copy of examples/calculator: five
// fixes, one of them breaking a test (best_effort: bisection). One uninterrupted run gives the expected
// result; then the batch is killed (SIGKILL to its process group) at points spread over the whole run —
// right after the record is written, after each finished step and in the middle of the next one, while
// landing, and right after the branch was written — and each time `recover` must give back the user's
// tree exactly, and `batch --resume ID` must end with the same verdicts, steps and branch (one commit per
// accepted fix, in order, none twice) as the uninterrupted run, judging only the steps not yet recorded.
// Four points by default (inside step 2, after the last step, while landing, right after the branch was
// written; each costs a partial run, `recover` and a resumed run); every point with
// AUTOFIX_BATCH_RESUME_ALL_POINTS=1. One more point sends SIGTERM instead: the gate rolls back itself
// (exit 143) and the batch is resumable without `recover`.
// Every point of a resume (after m of the steps, for every m and every strategy) is covered at the unit
// level (tests/unit/batch_replay_test.cpp); the real kills here check the durable record, `recover` and the
// landing on the real binary. They share one copy and its stored baseline.
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>

#include "gate/state/batch_record.h"
#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::Calculator;
using attempt::example_fix;
using attempt::lines_of;
using attempt::make_patch;
using attempt::replaced;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;

fs::path write_batch(const Calculator& c) {
  fs::path dir = c.tmp() / "batch dir";
  fs::create_directories(dir);
  auto patch = [&](const std::string& name, const std::string& path, const std::string& from, const std::string& to) {
    std::string file = make_patch(c, {{path, replaced(read_file(c.repo() / path), from, to)}}, name);
    fs::copy_file(file, dir / (name + ".diff"), fs::copy_options::overwrite_existing);
  };
  fs::copy_file(example_fix("correct-fix.diff"), dir / "mean.diff");
  patch("sum-note", "mathlib/mathlib.cpp", "  double total = 0;\n", "  double total = 0;  // added in order\n");
  patch("list-sep", "formatter/formatter.cpp", "out += \", \";", "out += \",\";");  // breaks ListInBrackets
  patch("main-note", "app/main.cpp", "// calc \"1, 2, 6\"", "// usage: calc \"1, 2, 6\"");
  patch("parser-doc", "parser/parser.h", "// Parses \"1.5, 2, -3\"", "// Parses a list such as \"1.5, 2, -3\"");
  write_file(dir / "batch.json", R"({"version": 1, "strategy": "best_effort", "fixes": [
    {"id": "mean", "patch": "mean.diff"},
    {"id": "sum-note", "patch": "sum-note.diff"},
    {"id": "list-sep", "patch": "list-sep.diff"},
    {"id": "main-note", "patch": "main-note.diff"},
    {"id": "parser-doc", "patch": "parser-doc.diff"}]})");
  return dir / "batch.json";
}

fs::path tests_only_config(const Calculator& c) {
  fs::path config = c.tmp() / "tests only.json";
  write_file(config, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}]})");
  return config;
}

std::vector<std::string> gate_argv(const Calculator& c, Strings args) {
  args.insert(args.begin(), {gate_binary().string(), "batch", "-j", "2", "--config", tests_only_config(c).string()});
  return args;
}

runners::ProcessResult batch(const Calculator& c, Strings args) {
  std::vector<std::string> argv = gate_argv(c, std::move(args));
  argv.erase(argv.begin());
  return gate(c.repo(), argv, std::chrono::minutes(10));
}

fs::path records(const Calculator& c) { return c.repo() / ".git" / "autofix" / "batches"; }

// The batches whose record has not finished.
Strings unfinished(const Calculator& c) {
  Strings ids;
  if (!fs::exists(records(c))) return ids;
  for (const auto& e : fs::directory_iterator(records(c)))
    if (fs::exists(e.path() / "batch.json") && !fs::exists(e.path() / "finished.json"))
      ids.push_back(e.path().filename().string());
  return ids;
}

// Steps in the record of the unfinished batch (-1 while there is no complete record).
long recorded_steps(const Calculator& c) {
  Strings ids = unfinished(c);
  if (ids.size() != 1) return -1;
  std::string text = read_file(records(c) / ids[0] / "steps.jsonl");
  return static_cast<long>(std::count(text.begin(), text.end(), '\n'));
}

// libgit2 writes a new branch as a loose ref (through <name>.lock, renamed into place): a file, checked
// without starting git every 200 µs.
bool branch_written(const Calculator& c) {
  std::error_code ec;
  for (fs::directory_iterator it(c.repo() / ".git" / "refs" / "heads" / "autofix" / "batch", ec), end; !ec && it != end;
       it.increment(ec))
    if (it->is_regular_file(ec) && !it->path().string().ends_with(".lock")) return true;
  return false;
}

// What must be the same after any interruption: verdicts and reasons, the steps, the branch's commits.
struct Result {
  std::map<std::string, std::string> verdicts;
  Strings steps;    // "set: verdict"
  Strings commits;  // subjects on the branch, oldest first
  Strings messages;  // whole commit messages, the batch id as "ID"
  Strings files;  // what the branch changes
  bool operator==(const Result&) const = default;
};

std::string describe(const Result& r) {
  std::string s;
  for (const auto& [id, v] : r.verdicts) s += id + "=" + v + " ";
  s += "\nsteps:";
  for (const std::string& x : r.steps) s += " [" + x + "]";
  s += "\ncommits:";
  for (const std::string& x : r.commits) s += " [" + x + "]";
  s += "\nmessages:";
  for (const std::string& x : r.messages) s += "\n---\n" + x;
  return s + "\n";
}

Result result_of(const Calculator& c, const nlohmann::json& report) {
  Result r;
  for (const auto& f : report.at("fixes"))
    r.verdicts[f.at("id").get<std::string>()] = f.at("verdict").get<std::string>() + ": " + f.at("reason").get<std::string>();
  for (const auto& s : report.at("steps")) {
    std::string set;
    for (const auto& id : s.at("set")) set += (set.empty() ? "" : ",") + id.get<std::string>();
    r.steps.push_back(set + ": " + s.at("verdict").get<std::string>());
  }
  const std::string branch = "autofix/batch/" + report.at("batch_id").get<std::string>();
  const std::string range = c.original_head() + ".." + branch;
  r.commits = lines_of(c.git_out({"log", "--reverse", "--format=%s", range}));
  // Whole messages, trailers included (Tests-Run, Fixed-Tests, ... read back from the record when
  // resumed), with the batch id (which differs from run to run) replaced.
  const std::string id = report.at("batch_id").get<std::string>();
  std::string all = c.git_out({"log", "--reverse", "--format=%B%x01", range});
  for (std::size_t at = all.find(id); at != std::string::npos; at = all.find(id, at)) all.replace(at, id.size(), "ID");
  std::istringstream messages(all);
  for (std::string m; std::getline(messages, m, '\x01');)
    if (m.find_first_not_of('\n') != std::string::npos) r.messages.push_back(m.substr(m.find_first_not_of('\n')));
  r.files = lines_of(c.git_out({"diff", "--name-only", c.original_head(), branch}));
  return r;
}

nlohmann::json report_of(const Calculator& c) { return nlohmann::json::parse(read_file(c.reports() / "report.json")); }

struct KillPoint {
  std::string name;
  std::function<bool()> trigger;
  std::chrono::microseconds delay;
  std::optional<std::size_t> read_back;  // the steps the resume must read back (when the point fixes it)
  int signal = SIGKILL;                  // SIGTERM: the gate rolls back itself (exit 143), no recover needed
};

TEST(BatchResume, KillNineAtPointsOverTheWholeRunThenRecoverAndResumeGivesTheUninterruptedResult) {
  Calculator c;
  const fs::path file = write_batch(c);
  write_file(c.repo() / "mathlib" / "mathlib.h", read_file(c.repo() / "mathlib" / "mathlib.h") + "// my note\n");
  write_file(c.repo() / "my notes.txt", "remember the milk\n");
  const TreeFingerprint before = source_fingerprint(c.repo());

  // The uninterrupted run.
  auto start = std::chrono::steady_clock::now();
  runners::ProcessResult whole = batch(c, {file.string()});
  const long whole_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(whole.exit_code, 1) << show(whole);
  const nlohmann::json expected_report = report_of(c);
  const Result expected = result_of(c, expected_report);
  const std::size_t steps = expected_report.at("steps").size();
  ASSERT_GE(steps, 4u) << expected_report.dump(2);
  EXPECT_EQ(expected.commits,
            (Strings{"autofix: apply mean.diff", "autofix: apply sum-note.diff", "autofix: apply main-note.diff",
                     "autofix: apply parser-doc.diff"}));
  EXPECT_TRUE(expected_report.at("resumed").is_null());
  ASSERT_EQ(expected.messages.size(), 4u) << describe(expected);
  EXPECT_NE(expected.messages[0].find("Autofix-Batch: ID\nAutofix-Fix: mean\nTests-Run: "), std::string::npos)
      << expected.messages[0];
  EXPECT_TRUE(unfinished(c).empty()) << "a batch that ended is not resumable";
  double step_seconds = 0;
  for (const auto& s : expected_report.at("steps")) step_seconds += s.at("seconds").get<double>();
  const auto mid_step = std::chrono::microseconds(static_cast<long>(step_seconds / steps * 1e6 / 2));
  std::cout << "[ measured ] uninterrupted batch: " << whole_ms << " ms, " << steps << " steps, "
            << step_seconds / steps << " s per step\n";
  git(c.repo(), {"branch", "-D", "autofix/batch/" + expected_report.at("batch_id").get<std::string>()});

  // The points: right after the record was written; after each finished step, at once and in the middle
  // of the next; while landing; right after the branch was written. Each costs about 15 s (a kill in a
  // build makes the resumed run's build start clean), so the suite runs four of them, spread over the run;
  // AUTOFIX_BATCH_RESUME_ALL_POINTS=1 runs all 2·steps + 2 (measured: 12 points in 198 s).
  const bool all_points = std::getenv("AUTOFIX_BATCH_RESUME_ALL_POINTS") != nullptr;
  std::vector<KillPoint> points;
  // By default the points whose resumed run is cheap (only what is left after them is built), and one
  // kill inside a step, whose resumed run builds clean: the e2e label must stay a bounded share of the suite.
  if (all_points)
    points.push_back({"record written", [&] { return recorded_steps(c) == 0; }, std::chrono::microseconds(0), 0});
  for (std::size_t k = 1; k < steps; ++k) {
    if (all_points)
      points.push_back({"after step " + std::to_string(k),
                        [&c, k] { return recorded_steps(c) == static_cast<long>(k); }, std::chrono::microseconds(0), k});
    if (all_points || k == 1)
      points.push_back({"inside step " + std::to_string(k + 1),
                        [&c, k] { return recorded_steps(c) == static_cast<long>(k); }, mid_step, std::nullopt});
  }
  points.push_back({"after the last step", [&] { return recorded_steps(c) == static_cast<long>(steps); },
                    std::chrono::microseconds(0), steps});
  points.push_back({"landing", [&] { return journal_in_phase(c.repo(), "accept"); }, std::chrono::microseconds(0), steps});
  points.push_back({"branch written", [&] { return branch_written(c); }, std::chrono::microseconds(0), steps});
  points.push_back({"SIGTERM inside step 3", [&] { return recorded_steps(c) == 2; }, mid_step, std::nullopt, SIGTERM});

  std::size_t killed = 0, resumed_after_branch = 0;
  for (const KillPoint& p : points) {
    SCOPED_TRACE(p.name);
    runners::ProcessResult r = run_and_signal(gate_argv(c, {file.string()}), c.repo(), p.trigger, p.delay, p.signal);
    const bool hit = p.signal == SIGKILL ? r.signal == SIGKILL : r.exit_code == 128 + p.signal;
    if (!hit) {  // it ended before the signal: nothing to resume
      EXPECT_EQ(r.exit_code, 1) << show(r);
      EXPECT_EQ(result_of(c, report_of(c)), expected) << describe(result_of(c, report_of(c)));
      git(c.repo(), {"branch", "-D", "autofix/batch/" + report_of(c).at("batch_id").get<std::string>()});
      continue;
    }
    ++killed;
    if (p.signal == SIGKILL) {
      runners::ProcessResult rec = gate(c.repo(), {"recover"});
      ASSERT_EQ(rec.exit_code, 0) << show(rec);
      EXPECT_NE(rec.out.find("continue the batch with: autofix-gate batch --resume " + unfinished(c).at(0)),
                std::string::npos)
          << show(rec);
    } else {
      EXPECT_FALSE(fs::exists(c.journal())) << "an interrupted batch rolls back before it exits";
    }
    TreeFingerprint recovered = source_fingerprint(c.repo());
    ASSERT_TRUE(recovered == before) << describe_difference(before, recovered);
    ASSERT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());

    Strings ids = unfinished(c);
    ASSERT_EQ(ids.size(), 1u);
    runners::ProcessResult status = gate(c.repo(), {"status", "--json"});
    ASSERT_EQ(status.exit_code, 0) << show(status);
    const nlohmann::json listed = nlohmann::json::parse(status.out).at("resumable_batches");
    ASSERT_EQ(listed.size(), 1u) << listed.dump();
    EXPECT_EQ(listed[0].at("id"), ids[0]);
    EXPECT_EQ(listed[0].at("resume_command"), "autofix-gate batch --resume " + ids[0]);
    if (branch_written(c)) ++resumed_after_branch;
    runners::ProcessResult resumed = batch(c, {"--resume", ids[0]});
    ASSERT_EQ(resumed.exit_code, 1) << show(resumed);
    nlohmann::json report = report_of(c);
    EXPECT_EQ(report.at("batch_id"), ids[0]);
    Result got = result_of(c, report);
    EXPECT_EQ(got, expected) << "expected:\n" << describe(expected) << "got:\n" << describe(got);
    const nlohmann::json& how = report.at("resumed");
    ASSERT_TRUE(how.is_object()) << report.dump(2);
    EXPECT_EQ(how.at("steps_read_back").get<std::size_t>() + how.at("steps_judged_now").get<std::size_t>(), steps);
    if (p.read_back) {
      EXPECT_EQ(how.at("steps_read_back").get<std::size_t>(), *p.read_back) << how.dump();
    }
    EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");
    TreeFingerprint after = source_fingerprint(c.repo());
    EXPECT_TRUE(after == before) << describe_difference(before, after);
    EXPECT_FALSE(fs::exists(c.journal()));

    runners::ProcessResult again = batch(c, {"--resume", ids[0]});
    EXPECT_EQ(again.exit_code, 2) << show(again);
    EXPECT_NE(again.err.find("batch " + ids[0] + " has finished: there is nothing to resume"), std::string::npos)
        << show(again);
    git(c.repo(), {"branch", "-D", "autofix/batch/" + ids[0]});
  }
  std::cout << "[ measured ] " << killed << " of " << points.size() << " kill points hit a running batch\n";
  EXPECT_GE(killed, points.size() - 1) << "the points must interrupt the batch";
  EXPECT_GE(resumed_after_branch, 1u) << "one point must resume a batch whose branch was already written";
}

TEST(BatchResume, AnUnknownIdIsAUsageErrorListingTheResumableOnes) {
  Calculator c;
  runners::ProcessResult r = batch(c, {"--resume", "20991231T000000Z-000000"});
  EXPECT_EQ(r.exit_code, 2) << show(r);
  EXPECT_NE(r.err.find("no batch '20991231T000000Z-000000' to resume in "), std::string::npos) << show(r);
  EXPECT_NE(r.err.find("no batch can be resumed here"), std::string::npos) << show(r);
  runners::ProcessResult both = batch(c, {"--resume", "20991231T000000Z-000000", "--strategy", "checkpoint"});
  EXPECT_EQ(both.exit_code, 2) << show(both);
  EXPECT_NE(both.err.find("--strategy"), std::string::npos) << show(both);
}

// A record whose HEAD or work tree is not the repository's (a tree changed after `recover`) is refused
// before anything changes; the unknown-id error lists it as resumable.
TEST(BatchResume, ARecordOfAnotherHeadOrTreeIsRefusedWithNothingChanged) {
  Calculator c;
  const BatchRecordStore store(c.repo() / ".git" / "autofix");
  BatchRecord r;
  r.batch_id = "20261207T000000Z-abcdef";
  r.started = "2026-12-07T00:00:00Z";
  r.source = "b.json";
  r.base_tree = std::string(40, '0');
  r.head = std::string(40, '1');
  r.fixes = {{"mean", "mean.diff", read_file(example_fix("correct-fix.diff")), {}, std::nullopt}};
  store.create(r);
  const TreeFingerprint before = source_fingerprint(c.repo());

  runners::ProcessResult head = batch(c, {"--resume", r.batch_id});
  EXPECT_EQ(head.exit_code, 2) << show(head);
  EXPECT_NE(head.err.find("batch " + r.batch_id + " started at HEAD " + *r.head + ", HEAD is now " + c.original_head()),
            std::string::npos)
      << show(head);
  r.head = c.original_head();
  store.create(r);
  runners::ProcessResult tree = batch(c, {"--resume", r.batch_id});
  EXPECT_EQ(tree.exit_code, 2) << show(tree);
  EXPECT_NE(tree.err.find("the work tree is not the one batch " + r.batch_id + " started from (tree " + r.base_tree +
                          ", now "),
            std::string::npos)
      << show(tree);
  EXPECT_NE(tree.err.find("run `autofix-gate recover` after an interrupted batch"), std::string::npos) << show(tree);

  runners::ProcessResult unknown = batch(c, {"--resume", "20991231T000000Z-000000"});
  EXPECT_EQ(unknown.exit_code, 2) << show(unknown);
  EXPECT_NE(unknown.err.find("batches that can be resumed: " + r.batch_id), std::string::npos) << show(unknown);

  const TreeFingerprint after = source_fingerprint(c.repo());
  EXPECT_TRUE(after == before) << describe_difference(before, after);
  EXPECT_EQ(attempt::refs_under(c.repo(), "refs/autofix/"), Strings{});
  EXPECT_FALSE(fs::exists(c.journal()));
  EXPECT_FALSE(fs::exists(store.dir(r.batch_id) / "finished.json"));
}

}  // namespace
}  // namespace autofix::testing
