#!/bin/sh
# Creates data/inventory.sqlite from schema.sql and the migrations, replacing any database there.
set -e
cd "$(dirname "$0")/.."
mkdir -p data
rm -f data/inventory.sqlite
sqlite3 data/inventory.sqlite < schema.sql
for m in migrations/[0-9]*.sql; do
  [ -e "$m" ] && sqlite3 data/inventory.sqlite < "$m"
done
echo "setup-db: data/inventory.sqlite has $(sqlite3 data/inventory.sqlite 'SELECT count(*) FROM items') items"
