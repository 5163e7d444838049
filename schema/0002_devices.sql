-- 0002: the devices a district server (or, later, a station hub) lets sync with it.
--
-- _device is bookkeeping, not a synced domain table: no _clk, no guard triggers, never in a
-- changeset. It is written with plain SQL by shared/app/devices.cpp. A device is provisioned with
-- a token "lt1.<device_id>.<secret>" that is printed once; only the hex SHA-256 of the secret is
-- kept here. Its scope (what it may write and see, shared/sync/scope.h) follows from role,
-- station_id and spokesperson_id. replica_id is bound at the device's first sync and fixed
-- afterwards, so that a copied token on a second machine is refused. provisioned_by is NULL for
-- the district's own devices and names the provisioning replica otherwise.
CREATE TABLE _device (
  device_id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('station', 'spokesperson', 'district')),
  station_id TEXT,
  spokesperson_id TEXT,
  replica_id TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  last_seen_at TEXT,
  last_address TEXT,
  clock_skew_ms INTEGER,
  syncs INTEGER NOT NULL DEFAULT 0,
  provisioned_by TEXT,
  CHECK (role = 'district' OR station_id IS NOT NULL),
  CHECK (role <> 'spokesperson' OR spokesperson_id IS NOT NULL));
-- Changes relayed for another replica are attributed to the device bound to their origin.
CREATE INDEX _device_replica ON _device(replica_id);
CREATE INDEX _device_station ON _device(station_id);
