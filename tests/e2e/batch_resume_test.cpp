// SPDX-License-Identifier: MIT
// `autofix-gate batch --resume ID` after kill -9, end to end, on the compiler-free stand-in of
// examples/calculator (tests/e2e/script_project.h: real cmake, ninja and ctest, no compiler; a step takes a
// fraction of a second, so a kill anywhere is cheap to resume). Five fixes, one of them a fixer and one
// breaking a test, in two strategies: best_effort (a failed whole, bisection) and checkpoint (every 2:
// checkpoints, a failed group rolled back to the last one). One uninterrupted run per strategy gives the
// expected result; then the batch is killed again and again (SIGKILL to its process group, as a CI runner
// or a terminal does), each time at another point, 35 in all (and one SIGTERM):
//   - at seeded offsets (the seed and the points are printed; AUTOFIX_BATCH_KILL_SEED=S replays a run): two
//     within the first 150 ms of a run (the snapshot, the fixer, the record) and two in each step, drawn
//     from equal slices of the step's measured time after the previous step was recorded. They land
//     wherever the batch is — applying a step, building, testing, judging, recording it, restoring — and
//     the test prints where each one landed (the journal's phase, the steps recorded) and a tally;
//   - at points an offset hits by luck only: right after the record was written, after the last step,
//     while landing, right after the branch (and the checkpoint refs) were written, while the reports,
//     the history and finished.json are written.
// Each strategy's points are shared by two lanes; the four lanes run side by side, each in a repository of
// its own (a batch mostly waits on its builds, tests and fsyncs): about 25 s in all on the shared machine.
// After each kill `recover` must give back the user's tree exactly, and the batch must end with the same
// verdicts, reasons, steps, checkpoints and branch (one commit per accepted fix, in order, none twice,
// whole messages equal) as the uninterrupted run: through `batch --resume ID` when its record was written
// (the steps read back are not judged again), by starting it again when the kill came before its record,
// or as it was when the kill came after it was marked finished. One more point sends SIGTERM instead: the
// gate rolls back itself (exit 143) and the batch is resumable without `recover`.
// Every point of a resume (after m of the steps, for every m and every strategy) is also covered at the
// unit level (tests/unit/batch_replay_test.cpp).
#include <gtest/gtest.h>

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "gate/state/batch_record.h"
#include "tests/e2e/attempt_data/calculator_repo.h"
#include "tests/e2e/script_project.h"
#include "tests/support/json_schema_check.h"

namespace autofix::testing {
namespace {

using attempt::lines_of;
using attempt::refs_under;
using attempt::source_fingerprint;

using Strings = std::vector<std::string>;
using Clock = std::chrono::steady_clock;

// The two strategies run side by side (tests/e2e: each in a repository of its own): one line at a time.
void say(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cout << line << std::flush;
}

long ms_since(Clock::time_point start) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// mean fixes mathlib.mean_of_three; list-sep breaks formatter.list_in_brackets; main-note is a fixer.
fs::path write_batch(const ScriptProject& c) {
  const fs::path dir = c.tmp() / "batch dir";
  c.mean_fix(dir, "mean");
  c.patch(dir, "sum-note", "mathlib/mathlib.src", "total = 0\n", "total = 0  # added in order\n");
  c.patch(dir, "list-sep", "formatter/formatter.src", "sep = \", \"", "sep = \",\"");
  c.patch(dir, "parser-doc", "parser/parser.doc", "# Parses \"1.5, 2, -3\"", "# Parses a list such as \"1.5, 2, -3\"");
  write_file(dir / "batch.json", R"({"version": 1, "fixes": [
    {"id": "mean", "patch": "mean.diff"},
    {"id": "sum-note", "patch": "sum-note.diff"},
    {"id": "list-sep", "patch": "list-sep.diff"},
    {"id": "main-note", "fixer": ["sh", "-c", "sed -i 's/^# calc/# usage: calc/' app/app.src"]},
    {"id": "parser-doc", "patch": "parser-doc.diff"}]})");
  return dir / "batch.json";
}

// The tests tier; the circuit breaker off, since one repository sees dozens of partly rejected batches in a row.
fs::path config_of(const ScriptProject& c) {
  const fs::path config = c.tmp() / "tests only.json";
  if (!fs::exists(config))
    write_file(config, R"({"version": 1, "tiers": [{"name": "tests", "kind": "ctest"}], "flaky_reruns": 0, "breaker": {"enabled": false}})");
  return config;
}

std::vector<std::string> gate_argv(const ScriptProject& c, Strings args) {
  args.insert(args.begin(), {gate_binary().string(), "batch", "-j", "2", "--config", config_of(c).string()});
  return args;
}

runners::ProcessResult batch(const ScriptProject& c, Strings args) {
  std::vector<std::string> argv = gate_argv(c, std::move(args));
  argv.erase(argv.begin());
  return gate(c.repo(), argv, std::chrono::minutes(5));
}

fs::path records(const ScriptProject& c) { return c.repo() / ".git" / "autofix" / "batches"; }

// The batches whose record was written, finished or not.
Strings recorded(const ScriptProject& c, bool finished) {
  Strings ids;
  std::error_code ec;
  for (fs::directory_iterator it(records(c), ec), end; !ec && it != end; it.increment(ec))
    if (fs::exists(it->path() / "batch.json") && fs::exists(it->path() / "finished.json") == finished)
      ids.push_back(it->path().filename().string());
  return ids;
}
Strings unfinished(const ScriptProject& c) { return recorded(c, false); }

// Steps in the record of the unfinished batch (-1 while there is no complete record).
long recorded_steps(const ScriptProject& c) {
  Strings ids = unfinished(c);
  if (ids.size() != 1) return -1;
  // Polled from the killer thread while the gate writes: never throws (a file not there yet is no record).
  std::ifstream in(records(c) / ids[0] / "steps.jsonl");
  if (!in) return -1;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return static_cast<long>(std::count(text.begin(), text.end(), '\n'));
}

// libgit2 writes a new ref as a loose file (through <name>.lock, renamed into place): checked without
// starting git every 200 µs.
bool loose_ref_under(const fs::path& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && !it->path().string().ends_with(".lock")) return true;
  return false;
}
bool branch_written(const ScriptProject& c) { return loose_ref_under(c.repo() / ".git" / "refs" / "heads" / "autofix" / "batch"); }
bool checkpoint_written(const ScriptProject& c) {
  return loose_ref_under(c.repo() / ".git" / "refs" / "autofix" / "checkpoints");
}

// Where a killed batch was: the phase its journal names, and the steps its record holds.
std::string where_it_was(const ScriptProject& c) {
  std::string where = "no operation";
  std::ifstream in(c.journal());
  if (in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    where = j.is_object() ? "phase " + j.value("phase", std::string("?")) : "journal being written";
  }
  const long steps = recorded_steps(c);
  if (steps >= 0) return where + ", " + std::to_string(steps) + " step(s) recorded";
  return where + (recorded(c, true).empty() ? ", no record" : ", record finished");
}

// What must be the same after any interruption: verdicts and reasons, the steps, the checkpoints, the
// branch's commits.
struct Result {
  std::map<std::string, std::string> verdicts;
  Strings steps;        // "set: verdict"
  Strings checkpoints;  // "n: fixes, step s, tree T"
  Strings commits;      // subjects on the branch, oldest first
  Strings messages;     // whole commit messages, the batch id as "ID"
  Strings files;        // what the branch changes
  bool operator==(const Result&) const = default;
};

std::string describe(const Result& r) {
  std::string s;
  for (const auto& [id, v] : r.verdicts) s += id + "=" + v + " ";
  s += "\nsteps:";
  for (const std::string& x : r.steps) s += " [" + x + "]";
  s += "\ncheckpoints:";
  for (const std::string& x : r.checkpoints) s += " [" + x + "]";
  s += "\ncommits:";
  for (const std::string& x : r.commits) s += " [" + x + "]";
  s += "\nmessages:";
  for (const std::string& x : r.messages) s += "\n---\n" + x;
  return s + "\n";
}

std::string joined(const nlohmann::json& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id.get<std::string>();
  return out;
}

Result result_of(const ScriptProject& c, const nlohmann::json& report) {
  Result r;
  for (const auto& f : report.at("fixes"))
    r.verdicts[f.at("id").get<std::string>()] = f.at("verdict").get<std::string>() + ": " + f.at("reason").get<std::string>();
  for (const auto& s : report.at("steps")) r.steps.push_back(joined(s.at("set")) + ": " + s.at("verdict").get<std::string>());
  for (const auto& k : report.at("checkpoints")) {
    // The ref holds the commit the report names; its tree is the checkpoint's content.
    const std::string commit = k.at("commit").get<std::string>();
    EXPECT_EQ(c.git_out({"rev-parse", k.at("ref").get<std::string>()}), commit) << k.dump();
    r.checkpoints.push_back(std::to_string(k.at("number").get<int>()) + ": " + joined(k.at("fixes")) + ", step " +
                            std::to_string(k.at("step").get<int>()) + ", tree " + c.git_out({"rev-parse", commit + "^{tree}"}));
  }
  const std::string id = report.at("batch_id").get<std::string>();
  const std::string branch = "autofix/batch/" + id;
  const std::string range = c.original_head() + ".." + branch;
  r.commits = lines_of(c.git_out({"log", "--reverse", "--format=%s", range}));
  // Whole messages, trailers included (Tests-Run, Fixed-Tests, ... read back from the record when
  // resumed), with the batch id (which differs from run to run) replaced.
  std::string all = c.git_out({"log", "--reverse", "--format=%B%x01", range});
  for (std::size_t at = all.find(id); at != std::string::npos; at = all.find(id, at)) all.replace(at, id.size(), "ID");
  std::istringstream messages(all);
  for (std::string m; std::getline(messages, m, '\x01');)
    if (m.find_first_not_of('\n') != std::string::npos) r.messages.push_back(m.substr(m.find_first_not_of('\n')));
  r.files = lines_of(c.git_out({"diff", "--name-only", c.original_head(), branch}));
  // No fix lands twice: each Autofix-Fix trailer on the branch once.
  Strings fixes = lines_of(c.git_out({"log", "--format=%(trailers:key=Autofix-Fix,valueonly)", range}));
  EXPECT_EQ(std::set<std::string>(fixes.begin(), fixes.end()).size(), fixes.size()) << "a fix landed twice: " << all;
  return r;
}

nlohmann::json report_of(const ScriptProject& c) { return nlohmann::json::parse(read_file(c.reports() / "report.json")); }

// Between points: the branch, the checkpoint refs and the records of the finished batch go, so that the
// next point starts as the first did (and its triggers see only its own batch).
void clear_finished_batch(const ScriptProject& c, const std::string& id) {
  git(c.repo(), {"branch", "-D", "autofix/batch/" + id});
  for (const std::string& ref : refs_under(c.repo(), "refs/autofix/checkpoints/")) git(c.repo(), {"update-ref", "-d", ref});
  fs::remove_all(records(c));
}

struct KillPoint {
  std::string name;
  std::function<bool()> trigger;
  std::chrono::microseconds delay;
  std::optional<std::size_t> read_back;  // the steps the resume must read back (when the point fixes it)
  int signal = SIGKILL;                  // SIGTERM: the gate rolls back itself (exit 143), no recover needed
};

struct Tally {
  std::size_t points = 0, killed = 0, resumed = 0, restarted = 0, had_ended = 0, resumed_after_branch = 0;
  std::map<std::string, std::size_t> where;  // phase at the kill -> points
};

// One strategy: the uninterrupted run, then every point. `flags` start a new batch (--strategy ...).
// Only the points whose index modulo `lanes` is `lane` run here: the other lanes (each in a repository of
// its own, side by side) take the others.
void kill_and_resume_everywhere(const Strings& flags, unsigned seed, int per_step, bool with_sigterm, int lane, int lanes,
                                Tally& tally) {
  ScriptProject c;
  const fs::path file = write_batch(c);
  Strings start = flags;
  start.insert(start.begin(), file.string());
  write_file(c.repo() / "mathlib" / "mathlib.doc", c.read("mathlib/mathlib.doc") + "# my note\n");
  write_file(c.repo() / "my notes.txt", "remember the milk\n");
  const TreeFingerprint before = source_fingerprint(c.repo());

  // The baseline of the tree the batches start from, stored once (and the build directory configured):
  // every run, interrupted or not, starts from there.
  runners::ProcessResult stored =
      gate(c.repo(), {"baseline", "-j", "2", "--config", config_of(c).string()}, std::chrono::minutes(5));
  ASSERT_EQ(stored.exit_code, 0) << show(stored);

  // The uninterrupted run.
  const auto began = Clock::now();
  runners::ProcessResult whole = batch(c, start);
  const long whole_ms = ms_since(began);
  ASSERT_EQ(whole.exit_code, 1) << show(whole);
  const nlohmann::json expected_report = report_of(c);
  const Result expected = result_of(c, expected_report);
  const std::size_t steps = expected_report.at("steps").size();
  ASSERT_GE(steps, 4u) << expected_report.dump(2);
  EXPECT_EQ(expected.commits, (Strings{"autofix: apply mean.diff", "autofix: apply sum-note.diff",
                                       "autofix: apply the change of fixer main-note", "autofix: apply parser-doc.diff"}));
  EXPECT_EQ(expected.verdicts.at("list-sep").substr(0, 10), "rejected: ") << describe(expected);
  EXPECT_TRUE(expected_report.at("resumed").is_null());
  ASSERT_EQ(expected.messages.size(), 4u) << describe(expected);
  EXPECT_NE(expected.messages[0].find("Autofix-Batch: ID\nAutofix-Fix: mean\nTests-Run: "), std::string::npos)
      << expected.messages[0];
  EXPECT_TRUE(unfinished(c).empty()) << "a batch that ended is not resumable";
  double step_seconds = 0;
  for (const auto& s : expected_report.at("steps")) step_seconds += s.at("seconds").get<double>();
  const auto mid_step = std::chrono::microseconds(static_cast<long>(step_seconds / steps * 1e6 / 2));
  const std::string strategy = expected_report.at("strategy").get<std::string>();
  say("[ measured ] " + strategy + ": uninterrupted batch " + std::to_string(whole_ms) + " ms, " + std::to_string(steps) +
      " steps, " + std::to_string(expected.checkpoints.size()) + " checkpoint(s), " +
      std::to_string(static_cast<long>(step_seconds / steps * 1000)) + " ms per step\n");
  clear_finished_batch(c, expected_report.at("batch_id").get<std::string>());

  // Seeded points: `per_step` in each step, at offsets drawn from equal slices of the step's measured time
  // after the previous step was recorded (the record's step count is polled every 200 µs), and two at
  // offsets within the first 150 ms of a run (the snapshot, the fixer, the record being written). A step
  // that ends before its offset moves the kill into the next one: it still lands in a running batch.
  std::vector<KillPoint> points;
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> within(0.0, 1.0);
  const long step_us = static_cast<long>(step_seconds / steps * 1e6);
  for (int k = 0; k < 2; ++k) {
    const auto us = std::chrono::microseconds(static_cast<long>((k + within(random)) / 2 * 150000));
    points.push_back({"at start+" + std::to_string(us.count() / 1000) + " ms", [] { return true; }, us, std::nullopt});
  }
  for (std::size_t k = 0; k < steps; ++k)
    for (int j = 0; j < per_step; ++j) {
      const auto us = std::chrono::microseconds(static_cast<long>((j + within(random)) / per_step * step_us));
      const std::string name = "step " + std::to_string(k + 1) + "+" + std::to_string(us.count() / 1000) + " ms";
      points.push_back({name, [&c, k] { return recorded_steps(c) == static_cast<long>(k); }, us, std::nullopt});
    }
  points.push_back({"record written", [&] { return recorded_steps(c) == 0; }, std::chrono::microseconds(0), 0});
  points.push_back({"after the last step", [&] { return recorded_steps(c) == static_cast<long>(steps); },
                    std::chrono::microseconds(0), steps});
  points.push_back({"landing", [&] { return journal_in_phase(c.repo(), "accept"); }, std::chrono::microseconds(0), steps});
  points.push_back({"branch written", [&] { return branch_written(c); }, std::chrono::microseconds(0), steps});
  // The operation ended (tree restored, journal gone): writing the reports, the history, finished.json.
  points.push_back({"reports being written", [&] { return branch_written(c) && !fs::exists(c.journal()); },
                    std::chrono::microseconds(0), steps});
  if (!expected.checkpoints.empty())
    points.push_back({"checkpoint ref written", [&] { return checkpoint_written(c); }, std::chrono::microseconds(0), steps});
  if (with_sigterm)
    points.push_back({"SIGTERM inside step 3", [&] { return recorded_steps(c) == 2; }, mid_step, std::nullopt, SIGTERM});

  std::string mine;
  for (std::size_t index = lane; index < points.size(); index += lanes) mine += " [" + points[index].name + "]";
  say("[ points   ] " + strategy + " lane " + std::to_string(lane + 1) + " of " + std::to_string(lanes) + ": seed " +
      std::to_string(seed) + ":" + mine + "\n");
  for (std::size_t index = 0; index < points.size(); ++index) {
    if (static_cast<int>(index % lanes) != lane) continue;
    const KillPoint& p = points[index];
    SCOPED_TRACE(p.name);
    ++tally.points;
    const auto point_began = Clock::now();
    runners::ProcessResult r = run_and_signal(gate_argv(c, start), c.repo(), p.trigger, p.delay, p.signal);
    const bool hit = p.signal == SIGKILL ? r.signal == SIGKILL : r.exit_code == 128 + p.signal;
    if (!hit) {  // it ended before the signal: nothing to resume
      EXPECT_EQ(r.exit_code, 1) << show(r);
      EXPECT_EQ(result_of(c, report_of(c)), expected) << describe(result_of(c, report_of(c)));
      say("[ point    ] " + strategy + " " + p.name + ": the batch ended first (" + std::to_string(ms_since(point_began)) + " ms)\n");
      clear_finished_batch(c, report_of(c).at("batch_id").get<std::string>());
      continue;
    }
    ++tally.killed;
    const std::string where = where_it_was(c);
    ++tally.where[where.substr(0, where.find(','))];
    if (p.signal == SIGKILL) {
      runners::ProcessResult rec = gate(c.repo(), {"recover"});
      ASSERT_EQ(rec.exit_code, 0) << show(rec);
      if (!unfinished(c).empty()) {
        EXPECT_NE(rec.out.find("continue the batch with: autofix-gate batch --resume " + unfinished(c).at(0)),
                  std::string::npos)
            << show(rec);
      }
    } else {
      EXPECT_FALSE(fs::exists(c.journal())) << "an interrupted batch rolls back before it exits";
    }
    TreeFingerprint recovered = source_fingerprint(c.repo());
    ASSERT_TRUE(recovered == before) << describe_difference(before, recovered);
    ASSERT_EQ(c.git_out({"rev-parse", "HEAD"}), c.original_head());

    const Strings ids = unfinished(c);
    ASSERT_LE(ids.size(), 1u);
    std::string how_it_ended;
    if (ids.size() == 1) {  // the record was written: resume it
      // The first resumes also check what `status` lists and that a finished batch is not resumed again.
      const bool check_all = ++tally.resumed <= 3;
      if (check_all) {
        runners::ProcessResult status = gate(c.repo(), {"status", "--json"});
        ASSERT_EQ(status.exit_code, 0) << show(status);
        const nlohmann::json listed = nlohmann::json::parse(status.out).at("resumable_batches");
        ASSERT_EQ(listed.size(), 1u) << listed.dump();
        EXPECT_EQ(listed[0].at("id"), ids[0]);
        EXPECT_EQ(listed[0].at("resume_command"), "autofix-gate batch --resume " + ids[0]);
      }
      if (branch_written(c)) ++tally.resumed_after_branch;
      runners::ProcessResult resumed = batch(c, {"--resume", ids[0]});
      ASSERT_EQ(resumed.exit_code, 1) << show(resumed);
      const nlohmann::json report = report_of(c);
      EXPECT_EQ(report.at("batch_id"), ids[0]);
      const nlohmann::json& how = report.at("resumed");
      ASSERT_TRUE(how.is_object()) << report.dump(2);
      const std::size_t read_back = how.at("steps_read_back").get<std::size_t>();
      EXPECT_EQ(read_back + how.at("steps_judged_now").get<std::size_t>(), steps);
      if (p.read_back) {
        EXPECT_EQ(read_back, *p.read_back) << how.dump();
      }
      how_it_ended = "resumed, " + std::to_string(read_back) + " step(s) read back";
      if (check_all) {
        runners::ProcessResult again = batch(c, {"--resume", ids[0]});
        EXPECT_EQ(again.exit_code, 2) << show(again);
        EXPECT_NE(again.err.find("batch " + ids[0] + " has finished: there is nothing to resume"), std::string::npos)
            << show(again);
      }
    } else if (!recorded(c, true).empty()) {  // killed after its record was marked finished: it had ended
      ++tally.had_ended;
      how_it_ended = "had ended";
      EXPECT_EQ(report_of(c).at("batch_id"), recorded(c, true).at(0));
    } else {  // killed before its record was written: nothing to resume, the batch starts again
      ++tally.restarted;
      how_it_ended = "started again";
      EXPECT_FALSE(branch_written(c));
      runners::ProcessResult again = batch(c, start);
      ASSERT_EQ(again.exit_code, 1) << show(again);
    }
    const nlohmann::json report = report_of(c);
    const Result got = result_of(c, report);
    EXPECT_EQ(got, expected) << "expected:\n" << describe(expected) << "got:\n" << describe(got);
    EXPECT_EQ(json_schema_problems("batch-report.schema.json", report), "");
    TreeFingerprint after = source_fingerprint(c.repo());
    EXPECT_TRUE(after == before) << describe_difference(before, after);
    EXPECT_FALSE(fs::exists(c.journal()));
    say("[ point    ] " + strategy + " " + p.name + ": killed in " + where + "; " + how_it_ended + " (" +
        std::to_string(ms_since(point_began)) + " ms)\n");
    clear_finished_batch(c, report.at("batch_id").get<std::string>());
  }
}

unsigned kill_seed() {
  const char* s = std::getenv("AUTOFIX_BATCH_KILL_SEED");
  return s ? static_cast<unsigned>(std::strtoul(s, nullptr, 10)) : 20261208u;
}

TEST(BatchResume, KillNineAtThirtyPointsOverWholeBatchesThenRecoverAndResumeGivesTheUninterruptedResult) {
  const unsigned seed = kill_seed();
  // Four lanes side by side, two per strategy, each in a repository of its own: a batch waits on its
  // builds, tests and fsyncs most of the time.
  constexpr int kLanes = 2;
  std::vector<Tally> tallies(2 * kLanes);
  std::vector<std::thread> lanes;
  for (int lane = 0; lane < kLanes; ++lane) {
    lanes.emplace_back([&, lane] {
      kill_and_resume_everywhere({"--strategy", "best_effort"}, seed, 2, true, lane, kLanes, tallies[lane]);
    });
    lanes.emplace_back([&, lane] {
      kill_and_resume_everywhere({"--strategy", "checkpoint", "--checkpoint-every", "2"}, seed + 1, 2, false, lane, kLanes,
                                 tallies[kLanes + lane]);
    });
  }
  for (std::thread& t : lanes) t.join();
  Tally tally;
  for (const Tally& t : tallies) {
    tally.points += t.points;
    tally.killed += t.killed;
    tally.resumed += t.resumed;
    tally.restarted += t.restarted;
    tally.had_ended += t.had_ended;
    tally.resumed_after_branch += t.resumed_after_branch;
    for (const auto& [phase, n] : t.where) tally.where[phase] += n;
  }
  std::string where;
  for (const auto& [phase, n] : tally.where) where += " " + phase + ": " + std::to_string(n) + ";";
  std::cout << "[ measured ] " << tally.killed << " of " << tally.points << " points hit a running batch (" << tally.resumed
            << " resumed, " << tally.restarted << " started again, " << tally.had_ended << " had ended); where:" << where
            << "\n";
  EXPECT_GE(tally.killed, 30u) << "the points must interrupt the batch";
  EXPECT_GE(tally.resumed, 20u) << "most points must leave a batch to resume";
  EXPECT_GE(tally.resumed_after_branch, 1u) << "one point must resume a batch whose branch was already written";
}

TEST(BatchResume, AnUnknownIdIsAUsageErrorListingTheResumableOnes) {
  ScriptProject c;
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
  ScriptProject c;
  const BatchRecordStore store(c.repo() / ".git" / "autofix");
  BatchRecord r;
  r.batch_id = "20261207T000000Z-abcdef";
  r.started = "2026-12-07T00:00:00Z";
  r.source = "b.json";
  r.base_tree = std::string(40, '0');
  r.head = std::string(40, '1');
  r.fixes = {{"mean", "mean.diff", read_file(c.mean_fix(c.tmp(), "mean")), {}, std::nullopt}};
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
