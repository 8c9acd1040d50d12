// SPDX-License-Identifier: MIT
#include "tests/support/random_tree.h"

#include <sys/stat.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/support/quick_run.h"

namespace autofix::testing {
namespace {

const char* const kDirs[] = {"a", "b", "c d", "é", "a/b"};
const char* const kNames[] = {"f", "g.txt", "h h", "x.bin", "run.sh", "ü.txt", "f2"};

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// The snapshot's ignore rules, "*.log" and "/ign/". Ignored paths are only ever created at the top
// level and under ign/, which no other mutation touches, so restore never has to remove one.
bool ignored(const std::string& p) {
  return p == "ign" || starts_with(p, "ign/") || p.substr(p.rfind('/') + 1).ends_with(".log");
}

class Generator {
 public:
  Generator(fs::path repo, unsigned seed) : repo_(std::move(repo)), rng_(seed) {}

  size_t below(size_t n) { return rng_() % n; }
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }

  std::string content() {
    switch (below(10)) {
      case 0: return "";
      case 1: {
        std::string s(below(300) + 1, '\0');
        for (char& c : s) c = static_cast<char>(below(4) == 0 ? 0 : below(256));
        return s;
      }
      default: {
        std::string s;
        size_t lines = below(6) + 1;
        for (size_t i = 0; i < lines; ++i) s += "line " + std::to_string(rng_()) + "\n";
        return s;
      }
    }
  }

  std::string random_path() {
    std::string name = kNames[below(std::size(kNames))];
    if (chance(30)) return name;
    return std::string(kDirs[below(std::size(kDirs))]) + "/" + name;
  }

  // Whether a regular file may be written at `rel`: no ancestor is a file or link, and rel is not a directory.
  bool can_write_file(const std::string& rel) {
    struct stat st;
    fs::path p = repo_;
    std::istringstream parts(rel);
    std::vector<std::string> components;
    for (std::string c; std::getline(parts, c, '/');) components.push_back(c);
    for (size_t i = 0; i + 1 < components.size(); ++i) {
      p /= components[i];
      if (::lstat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) return false;
    }
    p /= components.back();
    return !(::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  }

  void create_file(const std::string& rel) {
    if (!can_write_file(rel)) return;
    fs::path p = repo_ / rel;
    if (fs::is_symlink(p)) fs::remove(p);
    write_file(p, content());
    if (chance(25)) set_executable(p, true);
    log("create " + rel);
  }

  void create_link(const std::string& rel) {
    if (!can_write_file(rel)) return;
    fs::path p = repo_ / rel;
    if (fs::exists(fs::symlink_status(p))) fs::remove(p);
    static const char* const targets[] = {"f", "../g.txt", "a", "missing/target", "/etc/hostname", "c d/h h"};
    make_symlink(targets[below(std::size(targets))], p);
    log("link " + rel);
  }

  void create_ignored() {
    std::string rel = chance(50) ? "build" + std::to_string(below(3)) + ".log" : "ign/out" + std::to_string(below(3));
    write_file(repo_ / rel, content());
    log("ignored " + rel);
  }

  // Paths of the work tree the mutations may touch (not ignored, not .gitignore).
  std::vector<std::string> paths(const std::function<bool(const std::string&, const std::string&)>& keep) {
    std::vector<std::string> out;
    for (const auto& [path, what] : tree_entries(repo_))
      if (!ignored(path) && path != ".gitignore" && keep(path, what)) out.push_back(path);
    return out;
  }
  std::vector<std::string> files() {
    return paths([](const std::string&, const std::string& w) { return starts_with(w, "file "); });
  }
  std::vector<std::string> files_and_links() {
    return paths([](const std::string&, const std::string& w) { return w != "dir"; });
  }
  std::vector<std::string> links() {
    return paths([](const std::string&, const std::string& w) { return starts_with(w, "link "); });
  }
  std::vector<std::string> dirs() {
    return paths([](const std::string&, const std::string& w) { return w == "dir"; });
  }
  template <typename V>
  std::optional<std::string> pick(const V& v) {
    if (v.empty()) return std::nullopt;
    return v[below(v.size())];
  }

  void build_initial_tree(bool unborn) {
    write_file(repo_ / ".gitignore", "*.log\n/ign/\n");
    size_t n = 4 + below(16);
    for (size_t i = 0; i < n; ++i) add_something();
    if (!unborn) {
      quick_git(repo_, {"add", "-A"});
      quick_git(repo_, {"commit", "-q", "-m", "random tree"});
      size_t more = below(6);
      for (size_t i = 0; i < more; ++i) add_something();
      for (size_t i = below(4); i > 0; --i)
        if (auto f = pick(files())) modify(*f);
    }
    // Stage some of it, maybe with intent-to-add, then change some staged files again.
    std::vector<std::string> candidates = files_and_links();
    std::vector<std::string> staged;
    for (const auto& p : candidates)
      if (chance(40)) staged.push_back(p);
    if (!staged.empty()) git_add(staged);
    if (chance(20))
      if (auto f = pick(candidates)) quick_git(repo_, {"add", "-N", "--", *f});
    for (size_t i = below(3); i > 0; --i)
      if (auto f = pick(files())) modify(*f);
  }

  void add_something() {
    switch (below(10)) {
      case 0: create_link(random_path()); break;
      case 1: create_ignored(); break;
      case 2: {
        std::string d = std::string(kDirs[below(std::size(kDirs))]) + "/empty" + std::to_string(below(2));
        if (can_write_file(d)) fs::create_directories(repo_ / d);
        break;
      }
      default: create_file(random_path()); break;
    }
  }

  void modify(const std::string& rel) {
    write_file(repo_ / rel, content() + "modified " + std::to_string(rng_()) + "\n");
    log("modify " + rel);
  }

  void git_add(const std::vector<std::string>& rels) {
    std::vector<std::string> args{"add", "-A", "-f", "--"};  // -f: the rules may have changed
    args.insert(args.end(), rels.begin(), rels.end());
    quick_git(repo_, args);
    log("git add " + std::to_string(rels.size()) + " path(s)");
  }

  void mutate() {
    switch (below(16)) {
      case 0:
      case 1:
        if (auto f = pick(files())) modify(*f);
        break;
      case 2:
        if (auto f = pick(files_and_links())) {
          fs::remove(repo_ / *f);
          log("delete " + *f);
        }
        break;
      case 3:
        if (auto f = pick(files())) {
          bool exec = (fs::status(repo_ / *f).permissions() & fs::perms::owner_exec) != fs::perms::none;
          set_executable(repo_ / *f, !exec);
          log("chmod " + *f);
        }
        break;
      case 4: create_file(random_path()); break;
      case 5:  // file -> directory
        if (auto f = pick(files_and_links())) {
          fs::remove(repo_ / *f);
          write_file(repo_ / *f / kNames[below(std::size(kNames))], content());
          log("file to dir " + *f);
        }
        break;
      case 6:  // directory -> file
        if (auto d = pick(dirs())) {
          fs::remove_all(repo_ / *d);
          write_file(repo_ / *d, content());
          log("dir to file " + *d);
        }
        break;
      case 7:  // retarget a link, or turn a file into one
        if (auto l = chance(70) ? pick(links()) : pick(files())) create_link(*l);
        break;
      case 8: {
        std::vector<std::string> chosen;
        for (size_t i = below(3) + 1; i > 0; --i)
          if (auto f = pick(files_and_links())) chosen.push_back(*f);
        if (!chosen.empty()) git_add(chosen);
        break;
      }
      case 9: {
        std::vector<std::string> args{"rm", "-q", "-r", "-f", "--cached", "--ignore-unmatch", "--"};
        for (size_t i = below(3) + 1; i > 0; --i)
          if (auto f = pick(files_and_links())) args.push_back(*f);
        if (args.size() > 7) {
          quick_git(repo_, args);
          log("git rm --cached");
        }
        break;
      }
      case 10:
        quick_git(repo_, {"commit", "-q", "--allow-empty", "-m", "mutation commit"});
        log("commit");
        break;
      case 11: create_ignored(); break;
      case 12: {
        std::string d = std::string(kDirs[below(std::size(kDirs))]) + "/new empty";
        if (can_write_file(d)) {
          fs::create_directories(repo_ / d);
          log("mkdir " + d);
        }
        break;
      }
      case 13:
        write_file(repo_ / ".gitignore", chance(50) ? "*.txt\n/ign/\n" : "*.log\n/ign/\nc d/\n*.bin\n");
        log("rewrite .gitignore");
        break;
      case 14:
        if (quick_run({"git", "rev-parse", "-q", "--verify", "HEAD"}, repo_).exit_code == 0) {
          if (chance(50)) quick_git(repo_, {"checkout", "-q", "--detach"});
          else quick_git(repo_, {"switch", "-q", "-c", "branch" + std::to_string(rng_())});
          log("move HEAD");
        }
        break;
      case 15:
        if (auto f = pick(links())) {
          fs::remove(repo_ / *f);
          write_file(repo_ / *f, content());
          log("link to file " + *f);
        }
        break;
    }
  }

  void log(const std::string& what) { log_ += "  " + what + "\n"; }
  const std::string& history() const { return log_; }

 private:
  fs::path repo_;
  std::mt19937 rng_;
  std::string log_;
};

}  // namespace

std::string check_restore_property(const fs::path& root, unsigned seed, const RestoreDriver& driver) {
  fs::path repo = root / ("repo " + std::to_string(seed));
  Generator g(repo, seed);
  bool unborn = g.chance(15);  // a fresh `git init`: no commit (and no index unless something is staged)
  fs::create_directories(repo);
  quick_git(repo, {"init", "-q", "-b", "main"});
  if (!unborn) {  // what init_repo() does, with quick_git()
    write_file(repo / "README.md", "# test repository\n");
    quick_git(repo, {"add", "README.md"});
    quick_git(repo, {"commit", "-q", "-m", "initial"});
  }
  g.build_initial_tree(unborn);
  TreeFingerprint before = exact_fingerprint(repo);

  std::string id = driver.snapshot(repo);
  g.log("--- snapshot " + id + " ---");

  size_t mutations = 1 + g.below(12);
  for (size_t i = 0; i < mutations; ++i) g.mutate();
  std::map<std::string, std::string> mutated = tree_entries(repo);

  auto [restored, said] = driver.restore(repo, id);
  TreeFingerprint expected = with_ignored_from(before, mutated, ignored);
  if (!restored) {
    // Say also whether `recover` gets there: it tells a failing verification from a wrong tree.
    std::string recovery = driver.recover(repo);
    TreeFingerprint recovered = exact_fingerprint(repo);
    return "restore failed: " + said + "\nthen `recover`: " + recovery +
           (recovered == expected ? ", and the tree matches" : ", and the tree differs:\n" +
                                                                  describe_difference(expected, recovered)) +
           "\nhistory:\n" + g.history();
  }
  TreeFingerprint after = exact_fingerprint(repo);
  if (!(after == expected))
    return "restored tree differs:\n" + describe_difference(expected, after) + "history:\n" + g.history() +
           "restore said: " + said;
  fs::remove_all(repo);
  return {};
}

std::vector<unsigned> property_seeds(unsigned first, int shard, int per_shard) {
  if (const char* one = std::getenv("AUTOFIX_PROPERTY_SEED"); one && *one) {
    if (shard != 0) return {};
    return {static_cast<unsigned>(std::stoul(one))};
  }
  std::vector<unsigned> seeds;
  for (int i = 0; i < per_shard; ++i) seeds.push_back(first + static_cast<unsigned>(shard * per_shard + i));
  return seeds;
}

void expect_restore_property(const fs::path& root, const std::vector<unsigned>& seeds, const RestoreDriver& driver) {
  std::vector<unsigned> failed;
  for (unsigned seed : seeds) {
    std::string problem;
    try {
      problem = check_restore_property(root, seed, driver);
    } catch (const std::exception& e) {
      problem = std::string("exception: ") + e.what();
    }
    if (problem.empty()) continue;
    failed.push_back(seed);
    if (failed.size() <= 3 || std::getenv("AUTOFIX_PROPERTY_VERBOSE"))
      ADD_FAILURE() << "seed " << seed << " (rerun with AUTOFIX_PROPERTY_SEED=" << seed << "): " << problem;
  }
  if (!failed.empty()) {
    std::string list;
    for (unsigned s : failed) list += " " + std::to_string(s);
    ADD_FAILURE() << failed.size() << " of " << seeds.size() << " seeds failed:" << list;
  }
}

}  // namespace autofix::testing
