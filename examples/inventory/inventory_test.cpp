// inventory_test CASE DATABASE: one test case against the database; exit 0 when it passes.
#include <sqlite3.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "inventory.h"

namespace {

int check(bool ok, const std::string& what) {
  if (!ok) std::cerr << "FAILED: " << what << "\n";
  return ok ? 0 : 1;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: inventory_test count|value|low_stock DATABASE\n";
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::cerr << "cannot open " << argv[2] << ": run scripts/setup-db.sh first\n";
    return 2;
  }
  const std::string which = argv[1];
  int rc = 2;
  if (which == "count") {
    // Every row is an item, in stock or not.
    sqlite3_stmt* rows = nullptr;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM items", -1, &rows, nullptr);
    sqlite3_step(rows);
    const long expected = static_cast<long>(sqlite3_column_int64(rows, 0));
    sqlite3_finalize(rows);
    long n = inventory::item_count(db);
    rc = check(n == expected, "item_count() is " + std::to_string(n) + ", expected " + std::to_string(expected));
  } else if (which == "value") {
    long v = inventory::total_value_cents(db);
    rc = check(v == 13860, "total_value_cents() is " + std::to_string(v) + ", expected 13860");
  } else if (which == "low_stock") {
    // bolts (40, reorder at 50), hinges (8, at 10) and washers (12, at 20): each item has its own level.
    std::string low = joined(inventory::low_stock(db));
    rc = check(low == "bolts,hinges,washers", "low_stock() is '" + low + "', expected 'bolts,hinges,washers'");
  }
  sqlite3_close(db);
  return rc;
}
