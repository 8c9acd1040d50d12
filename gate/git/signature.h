// SPDX-License-Identifier: MIT
#pragma once
// Who the gate's commits are by. libgit2 1.5 has no git_signature_default_from_env, so git's own
// precedence (git-commit-tree(1), "Commit Information"; git-config(1), user.*, author.*, committer.*) is
// followed here, field by field, for the author and the committer:
//   name:  GIT_<ROLE>_NAME,  then <role>.name,  then user.name,  then "AutofixGate"
//   email: GIT_<ROLE>_EMAIL, then <role>.email, then user.email, then $EMAIL, then "autofix-gate@localhost"
//   date:  GIT_<ROLE>_DATE (git's internal format, RFC 2822 or ISO 8601), else the moment of the commit
// where ROLE is AUTHOR or COMMITTER. As in git, '<', '>' and line breaks are dropped from names and emails;
// surrounding white space is trimmed, and a value left empty counts as unset. The last fallback is ours
// (git would guess from the system's user name and host name).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gate/git/handles.h"
#include "gate/git/repository.h"

namespace autofix::git {

inline constexpr const char* kFallbackName = "AutofixGate";
inline constexpr const char* kFallbackEmail = "autofix-gate@localhost";

struct GitTime {
  int64_t seconds = 0;     // since the epoch
  int offset_minutes = 0;  // the time zone it was written in
  bool operator==(const GitTime&) const = default;
};

struct Person {
  std::string name;
  std::string email;
  std::optional<GitTime> when;  // from GIT_<ROLE>_DATE; nullopt: the moment the commit is written
  bool operator==(const Person&) const = default;
};

struct CommitIdentity {
  Person author;
  Person committer;
};

// Reads one environment variable; nullopt when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// The identity from `config` (any git_config; read through a snapshot) and `env`. Throws Error(usage)
// when GIT_AUTHOR_DATE or GIT_COMMITTER_DATE is set to something that is not a date in a format git reads.
CommitIdentity commit_identity(git_config* config, const Environment& env);
// The same with the repository's configuration (local, global, system) and the process environment.
CommitIdentity commit_identity(const Repository& repo);
// The same, or the gate's own identity dated now when the settings cannot be read: for the records a
// rollback writes (discarded or kept versions), which must never fail on a user's identity settings.
CommitIdentity commit_identity_or_fallback(const Repository& repo);

// git's date formats for GIT_*_DATE: "<seconds> <+hhmm>" (also "@<seconds>"), RFC 2822
// ("Thu, 07 Apr 2005 22:13:13 +0200") and ISO 8601 ("2005-04-07T22:13:13", a space for the T, fractions
// ignored, "Z" or "+hh:mm" or "+hhmm" as the zone, the local zone when none; the date also as YYYY.MM.DD,
// MM/DD/YYYY or DD.MM.YYYY). nullopt for anything else.
std::optional<GitTime> parse_git_date(std::string_view text);

// A signature for `person`, dated `person.when` or now.
SignaturePtr make_signature(const Person& person);

}  // namespace autofix::git
