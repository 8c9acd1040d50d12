#include "inventory.h"

#include <sqlite3.h>

#include <stdexcept>

namespace inventory {
namespace {

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt); }
  bool step() { return sqlite3_step(stmt) == SQLITE_ROW; }
};

long single_number(sqlite3* db, const char* sql) {
  Statement s(db, sql);
  return s.step() ? static_cast<long>(sqlite3_column_int64(s.stmt, 0)) : 0;
}

}  // namespace

long item_count(sqlite3* db) { return single_number(db, "SELECT count(*) FROM items"); }

long total_value_cents(sqlite3* db) { return single_number(db, "SELECT sum(quantity * price_cents) FROM items"); }

std::vector<std::string> low_stock(sqlite3* db) {
  std::vector<std::string> out;
  Statement s(db, "SELECT name FROM items WHERE quantity < 10 ORDER BY name");
  while (s.step()) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s.stmt, 0)));
  return out;
}

}  // namespace inventory
