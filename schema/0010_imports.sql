-- 0010: the CSV files this replica has imported opinions from (`liaison opinion import`), by the
-- SHA-256 of their bytes, so that the same spreadsheet imported twice does not record every
-- opinion in it twice (`opinion import --again` imports it anyway). Bookkeeping of this replica
-- only: no _clk, no guard triggers, never in a changeset; another device of the station may
-- still import the same file (each replica knows only its own imports).
CREATE TABLE _import (
  sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  at TEXT NOT NULL,
  count INTEGER NOT NULL
);
