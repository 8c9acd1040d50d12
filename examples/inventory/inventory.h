#pragma once
// Queries over the inventory database (schema.sql and migrations/).
#include <string>
#include <vector>

struct sqlite3;

namespace inventory {

long item_count(sqlite3* db);
// The value of everything in stock, in cents.
long total_value_cents(sqlite3* db);
// The items whose quantity is below their reorder level, by name.
std::vector<std::string> low_stock(sqlite3* db);

}  // namespace inventory
