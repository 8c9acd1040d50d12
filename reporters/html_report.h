// SPDX-License-Identifier: MIT
#pragma once
// report.html: one attempt's result as a single self-contained page for people (a CI artifact, a file
// opened from disk). Inline CSS and inline SVG only: no script, no font, no image or style sheet loaded
// from anywhere, and a Content-Security-Policy that forbids them. Pure: a string out of the results model.
#include <string>

#include "gate/results/attempt_result.h"
#include "reporters/html_document.h"  // html_text, the escaping every page shares

namespace autofix::reporters {

// The page, top to bottom: the verdict and its reason; what decided besides tests (weakened tests, risk,
// a failed build, others' edits kept); every test whose result changed, with its transition, what the
// runs showed, where it is defined, its first failing assertion and the source lines there (unchanged and
// skipped tests by name, folded); each regression's chain from the changed file to the test; each tier with
// its new findings in full, each with the source lines around it, and the unchanged and removed ones
// counted; flaky tests and their re-runs; the phases as a bar; the attempt's facts (id, files changed,
// fixer). A source excerpt is a table of numbered lines, the line it is about marked (class "hit"). In a
// merged result, the shard that ran each test and the shards that ran each tier.
std::string attempt_html(const AttemptResult& result);

}  // namespace autofix::reporters
