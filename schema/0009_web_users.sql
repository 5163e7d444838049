-- 0009: the accounts of district staff for the dashboard (`liaison-server user ...`,
-- docs/web.md). Bookkeeping of this database only, like _device: no _clk, no guard triggers,
-- never in a changeset. The password is kept only as PBKDF2-HMAC-SHA256 of it with a random
-- salt; failed counts sign-ins that failed in a row, and locked_until (UTC ISO) is when the
-- next attempt is allowed after too many of them.
CREATE TABLE _web_user (
  name TEXT PRIMARY KEY,
  salt BLOB NOT NULL,
  hash BLOB NOT NULL,
  rounds INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT
);
