// SPDX-License-Identifier: MIT
#pragma once
// The history's dashboard (`autofix-gate history html`, docs/history.md#dashboard): one self-contained page
// built like report.html (reporters/html_document.h: inline CSS and SVG, no script, nothing loaded, a
// Content-Security-Policy that forbids it, works from file://). Pure: a string out of the dashboard model.
#include <string>

#include "gate/results/history_dashboard.h"

namespace autofix::reporters {

// Top to bottom: the window and the number of records (or that there are none); runs per day stacked by
// verdict (an SVG bar per day, each part a <rect> with data-day, data-verdict and data-count, and a table
// of the same numbers); acceptance per fix source; the most frequent failure signatures (count, last
// seen); the circuit breakers' states; flaky tests; the phases by share of the time, with their medians.
// Every text from a record goes through html_text and the serializer's escaping.
std::string history_html(const HistoryDashboard& dashboard);

}  // namespace autofix::reporters
