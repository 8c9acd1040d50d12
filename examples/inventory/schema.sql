-- The inventory database (data/inventory.sqlite, not in git): scripts/setup-db.sh creates it from this
-- file and then applies migrations/*.sql in order.
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  quantity INTEGER NOT NULL,
  price_cents INTEGER NOT NULL
);
INSERT INTO items (name, quantity, price_cents) VALUES
  ('bolts', 40, 25),
  ('nuts', 300, 10),
  ('washers', 12, 5),
  ('hinges', 8, 350),
  ('brackets', 25, 120),
  ('screws', 500, 8);
