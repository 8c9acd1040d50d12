#!/bin/sh
# A migration fixer that gets it right: low_stock() must compare each item with its own reorder level,
# which the schema lacks. It writes the migration, applies it to data/inventory.sqlite with the sqlite3
# CLI, and makes the query use the new column. Accepted: the database stays migrated.
set -e
cat > migrations/002_reorder_level.sql <<'SQL'
ALTER TABLE items ADD COLUMN reorder_level INTEGER NOT NULL DEFAULT 10;
UPDATE items SET reorder_level = 50 WHERE name = 'bolts';
UPDATE items SET reorder_level = 20 WHERE name = 'washers';
SQL
sqlite3 data/inventory.sqlite < migrations/002_reorder_level.sql
sed -i 's/WHERE quantity < 10 ORDER BY/WHERE quantity < reorder_level ORDER BY/' inventory.cpp
echo "add-reorder-level: migrated data/inventory.sqlite (reorder_level) and fixed low_stock()"
