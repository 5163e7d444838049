-- 0004: compaction of the change log by acknowledged watermarks (docs/design.md, "Compaction").
--
-- _origin.compacted: every _log entry of the origin up to this sequence has been removed. A
-- peer whose vector is below it cannot be answered from the log and is sent a snapshot built
-- from the rows instead.
ALTER TABLE _origin ADD COLUMN compacted INTEGER NOT NULL DEFAULT 0;
-- What each peer (a device syncing with this replica) has acknowledged having: the vector it
-- presented in HELLO, raised by every batch it confirmed. vv holds varint pairs (local origin
-- number, sequence). Compaction keeps every _log entry some live peer has not acknowledged.
CREATE TABLE _peer_vv (
  peer TEXT PRIMARY KEY, vv BLOB NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
