-- 0007: the district's audit log (docs/protocol.md, "Audit log"): which device connected from
-- where, which changes it pushed, which of them were refused and why, what it was sent, and how
-- each session ended.
--
-- _audit is bookkeeping, not a synced domain table: no _clk, no guard triggers, never in a
-- changeset. It is written with plain SQL by shared/service/device_access.cpp, on a district
-- replica only, in a small transaction of its own after each message (never inside the apply of
-- a PUSH); `liaison-server audit` reads it. One row per event:
--   session  a device authenticated (HELLO, or a sync bundle's proof): skew_ms.
--   push     a PUSH applied: count (changes applied), duplicates, refused; origin, seq_from and
--            seq_to give the first origin's range (from, to], ranges every origin's.
--   refused  one change of a PUSH refused: origin, seq, tbl, row_id, reason.
--   pull     the last batch of the pull confirmed: count (changes sent in the session).
--   end      END answered with DONE: count (changes applied in the session), refused.
--   error    the session ended with an ERROR sent: code, reason (its message). device_id is
--            NULL when the device is not known (a refused HELLO).
-- address is the peer's address, or "bundle:<file>" for a sync bundle import; at is UTC ISO.
CREATE TABLE _audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  device_id TEXT,
  replica TEXT,
  address TEXT,
  event TEXT NOT NULL
    CHECK (event IN ('session', 'push', 'refused', 'pull', 'end', 'error')),
  count INTEGER,
  duplicates INTEGER,
  refused INTEGER,
  skew_ms INTEGER,
  origin TEXT,
  seq_from INTEGER,
  seq_to INTEGER,
  ranges TEXT,
  seq INTEGER,
  tbl TEXT,
  row_id TEXT,
  reason TEXT,
  code TEXT);
-- A device's history, newest first.
CREATE INDEX _audit_device ON _audit(device_id, at);
