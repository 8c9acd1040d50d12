#!/bin/sh
# A migration fixer that gets it wrong: it "cleans up" the table (deletes the items under 10 cents and adds
# a column) and so breaks the count and value tests. Rejected: the gate puts the tree back and restores
# data/inventory.sqlite from its backup, rows and schema exactly as before.
set -e
cat > migrations/003_purge_cheap_items.sql <<'SQL'
DELETE FROM items WHERE price_cents < 10;
ALTER TABLE items ADD COLUMN discontinued INTEGER NOT NULL DEFAULT 0;
SQL
sqlite3 data/inventory.sqlite < migrations/003_purge_cheap_items.sql
echo "purge-cheap-items: data/inventory.sqlite now has $(sqlite3 data/inventory.sqlite "SELECT count(*) FROM items") items"
