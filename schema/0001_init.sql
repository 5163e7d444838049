-- 0001: every record of the domain, and the bookkeeping of the sync engine.
--
-- Domain tables all have a text id (a UUIDv7, or a short code for reference data chosen by the
-- district office) and a _clk column: the row clock, a compact binary list of which change
-- (hybrid timestamp, origin, sequence, base) wrote each column (docs/changeset.md). How each
-- column merges is declared in shared/sync/policy.cpp, which a unit test checks against this
-- schema. NOT NULL marks the columns fixed at creation that must be present; editable columns
-- that are required (a name, a voter) are checked by the write path instead, because a creation
-- received from a peer may arrive without a value that a later edit has since replaced.
--
-- Writes outside the change-capture path are refused: every domain table has
-- CHECK (liaison_capturing()) for inserts and guard triggers for updates and deletes. The
-- function exists only on connections opened by the program and returns 1 only inside its write
-- path, so other code in the program and other programs (the sqlite3 shell) cannot write a
-- record that the engine would not send. Inserts use a CHECK because a trigger costs a
-- sub-program per row (14 % of the apply rate, measured); SQLite skips a CHECK on updates that
-- do not change a column it names, so updates need the trigger.

-- Reference data, maintained by the district office.
CREATE TABLE home (
  id TEXT PRIMARY KEY, name TEXT, township TEXT, address TEXT,
  void_reason TEXT, created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE TABLE station (
  id TEXT PRIMARY KEY, name TEXT, home_id TEXT, kind TEXT, township TEXT,
  address TEXT, voters INTEGER, void_reason TEXT, created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE TABLE deputy (
  id TEXT PRIMARY KEY, name TEXT, level TEXT, home_id TEXT, station_id TEXT,
  work_unit TEXT, phone TEXT, gender TEXT, term_start TEXT, term_end TEXT, void_reason TEXT,
  created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE TABLE category (
  id TEXT PRIMARY KEY, name TEXT, void_reason TEXT, created_at TEXT NOT NULL,
  _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));

-- Station records.
CREATE TABLE spokesperson (
  id TEXT PRIMARY KEY, station_id TEXT NOT NULL, name TEXT, phone TEXT, gender TEXT,
  party_member INTEGER, area TEXT, voters INTEGER, households INTEGER, void_reason TEXT,
  created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX spokesperson_station ON spokesperson(station_id);

CREATE TABLE opinion (
  id TEXT PRIMARY KEY, station_id TEXT NOT NULL, recorded_by TEXT NOT NULL,
  spokesperson_id TEXT, at TEXT NOT NULL, matter TEXT NOT NULL, voter TEXT,
  phone TEXT, place TEXT, category TEXT, source TEXT, void_reason TEXT,
  created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX opinion_station_at ON opinion(station_id, at);

CREATE TABLE opinion_step (
  id TEXT PRIMARY KEY, opinion_id TEXT NOT NULL, station_id TEXT NOT NULL, step TEXT NOT NULL,
  to_org TEXT, channel TEXT, note TEXT, by_id TEXT, at TEXT NOT NULL, recorded_by TEXT NOT NULL,
  _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX opinion_step_opinion ON opinion_step(opinion_id);

CREATE TABLE amendment (
  id TEXT PRIMARY KEY, opinion_id TEXT NOT NULL, station_id TEXT NOT NULL, body TEXT NOT NULL,
  by_id TEXT, at TEXT NOT NULL, recorded_by TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX amendment_opinion ON amendment(opinion_id);

CREATE TABLE activity (
  id TEXT PRIMARY KEY, station_id TEXT, home_id TEXT, kind TEXT NOT NULL, planned_on TEXT,
  held_on TEXT, place TEXT, topic TEXT, voters_received INTEGER, note TEXT, void_reason TEXT,
  created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX activity_station ON activity(station_id);

CREATE TABLE attendance (
  id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, station_id TEXT, person_kind TEXT NOT NULL,
  person_id TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX attendance_activity ON attendance(activity_id);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE activity_opinion (
  id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, opinion_id TEXT NOT NULL, station_id TEXT,
  _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX activity_opinion_activity ON activity_opinion(activity_id);

CREATE TABLE visit (
  id TEXT PRIMARY KEY, spokesperson_id TEXT NOT NULL, station_id TEXT NOT NULL,
  visited_on TEXT NOT NULL, households INTEGER, note TEXT, recorded_by TEXT NOT NULL,
  _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX visit_spokesperson ON visit(spokesperson_id);

CREATE TABLE deputy_report (
  id TEXT PRIMARY KEY, deputy_id TEXT NOT NULL, station_id TEXT, reported_on TEXT NOT NULL,
  form TEXT, note TEXT, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX deputy_report_deputy ON deputy_report(deputy_id);

CREATE TABLE attachment (
  id TEXT PRIMARY KEY, owner_table TEXT NOT NULL, owner_id TEXT NOT NULL, station_id TEXT,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, mime TEXT, name TEXT, at TEXT NOT NULL,
  _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX attachment_owner ON attachment(owner_id);

-- Sync engine bookkeeping (docs/design.md).
CREATE TABLE _replica (
  one INTEGER PRIMARY KEY CHECK (one = 1), replica_id TEXT NOT NULL, role TEXT NOT NULL,
  station_id TEXT, spokesperson_id TEXT, server TEXT, token TEXT,
  hlc INTEGER NOT NULL, seq INTEGER NOT NULL, created_at TEXT NOT NULL);
-- Origins interned to small local numbers; idx 1 is this replica.
CREATE TABLE _origin (idx INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE);
-- Version vector: per origin, every change up to seq has been seen (applied or superseded).
CREATE TABLE _vv (origin INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
-- One entry per change known here, local or received, by origin and sequence.
CREATE TABLE _log (
  origin INTEGER NOT NULL, seq INTEGER NOT NULL, tbl INTEGER NOT NULL, row_id TEXT NOT NULL,
  hlc INTEGER NOT NULL, PRIMARY KEY (origin, seq)) WITHOUT ROWID;
-- Changes to rows whose creation has not arrived yet, kept whole until it does.
CREATE TABLE _pending (
  origin INTEGER NOT NULL, seq INTEGER NOT NULL, tbl INTEGER NOT NULL, row_id TEXT NOT NULL,
  hlc INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (origin, seq)) WITHOUT ROWID;
CREATE INDEX _pending_row ON _pending(tbl, row_id);
-- Every value that lost a merge, with the value that won, on the replica that resolved it.
CREATE TABLE _conflict (
  id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, row_id TEXT NOT NULL, field TEXT NOT NULL,
  kind TEXT NOT NULL, kept_value, kept_hlc INTEGER, kept_origin TEXT, lost_value,
  lost_hlc INTEGER NOT NULL, lost_origin TEXT NOT NULL, detected_at TEXT NOT NULL,
  decision TEXT, decided_at TEXT);
CREATE INDEX _conflict_row ON _conflict(row_id);

-- Guard triggers: no update or delete of a domain row outside change capture.
CREATE TRIGGER home_guard_u BEFORE UPDATE ON home WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER home_guard_d BEFORE DELETE ON home WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER station_guard_u BEFORE UPDATE ON station WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER station_guard_d BEFORE DELETE ON station WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER deputy_guard_u BEFORE UPDATE ON deputy WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER deputy_guard_d BEFORE DELETE ON deputy WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER category_guard_u BEFORE UPDATE ON category WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER category_guard_d BEFORE DELETE ON category WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER spokesperson_guard_u BEFORE UPDATE ON spokesperson WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER spokesperson_guard_d BEFORE DELETE ON spokesperson WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER opinion_guard_u BEFORE UPDATE ON opinion WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER opinion_guard_d BEFORE DELETE ON opinion WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER opinion_step_guard_u BEFORE UPDATE ON opinion_step WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER opinion_step_guard_d BEFORE DELETE ON opinion_step WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER amendment_guard_u BEFORE UPDATE ON amendment WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER amendment_guard_d BEFORE DELETE ON amendment WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER activity_guard_u BEFORE UPDATE ON activity WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER activity_guard_d BEFORE DELETE ON activity WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER attendance_guard_u BEFORE UPDATE ON attendance WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER attendance_guard_d BEFORE DELETE ON attendance WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER activity_opinion_guard_u BEFORE UPDATE ON activity_opinion WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER activity_opinion_guard_d BEFORE DELETE ON activity_opinion WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER visit_guard_u BEFORE UPDATE ON visit WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER visit_guard_d BEFORE DELETE ON visit WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER deputy_report_guard_u BEFORE UPDATE ON deputy_report WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER deputy_report_guard_d BEFORE DELETE ON deputy_report WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER attachment_guard_u BEFORE UPDATE ON attachment WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER attachment_guard_d BEFORE DELETE ON attachment WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;

-- Changes received that break the merge rules (wrong type, a change to an append-only row, a
-- creation missing required fields): kept with the reason, never applied or relayed.
CREATE TABLE _refused (
  id INTEGER PRIMARY KEY, origin TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL,
  row_id TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
