#!/bin/sh
# A fixer whose change passes every test of its day: item_count() counts only the items in stock. It
# breaks only together with later work (an item with quantity 0), which `autofix-gate health` catches.
set -e
sed -i 's/SELECT count(\*) FROM items"/SELECT count(*) FROM items WHERE quantity > 0"/' inventory.cpp
echo "count-in-stock: item_count() now counts the items in stock"
