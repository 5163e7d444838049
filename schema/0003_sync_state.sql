-- 0003: what a device knows of its sync with a server (or a station hub).
--
-- _server_known: per origin, the highest sequence the server has acknowledged (from WELCOME and
-- every ACK). Changes above it are what `liaison status` reports as not yet acknowledged, and
-- where the next sync's push starts.
CREATE TABLE _server_known (origin TEXT PRIMARY KEY, seq INTEGER NOT NULL);
-- Changes the server refused, with its reason (`liaison refused`). They are not offered again.
CREATE TABLE _server_refused (
  id INTEGER PRIMARY KEY, origin TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL,
  row_id TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
-- One row per sync attempt, for `liaison status` and people asking "when did we last sync".
CREATE TABLE _sync_run (
  id INTEGER PRIMARY KEY, server TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
  pushed INTEGER NOT NULL DEFAULT 0, pulled INTEGER NOT NULL DEFAULT 0,
  refused INTEGER NOT NULL DEFAULT 0, conflicts INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER, result TEXT);
