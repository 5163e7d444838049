-- 0006: spokesperson devices provisioned at a station hub (`liaison device add --spokesperson`),
-- known to the district (docs/protocol.md, "Station hubs").
--
-- hub_device is a synced station record: the station writes it when it provisions a device
-- (the token's hash, never the secret), when the device first syncs with the hub (the replica it
-- runs, so that the district checks the changes the station relays for it against the
-- spokesperson's scope) and at every later hub contact (last_hub_sync); the district writes it
-- when it revokes the device. Station and district devices see it, spokesperson devices do not.
--
-- Wherever a row arrives, the triggers below keep the replica's _device registry in step with
-- it: the device may then sync with the hub and with the district directly, with the same
-- token. Only a spokesperson of the row's own station gets a device; an existing device is never
-- taken over (provisioned_by must match), a revocation is kept, a bound replica never changes.
CREATE TABLE hub_device (
  id TEXT PRIMARY KEY, station_id TEXT NOT NULL, spokesperson_id TEXT NOT NULL,
  token_hash TEXT NOT NULL, replica_id TEXT, revoked_at TEXT, last_hub_sync TEXT,
  created_at TEXT NOT NULL, _clk BLOB NOT NULL,
  CHECK (liaison_capturing()));
CREATE INDEX hub_device_station ON hub_device(station_id);

CREATE TRIGGER hub_device_guard_u BEFORE UPDATE ON hub_device WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;
CREATE TRIGGER hub_device_guard_d BEFORE DELETE ON hub_device WHEN NOT liaison_capturing()
  BEGIN SELECT RAISE(ABORT, 'write outside change capture'); END;

CREATE TRIGGER hub_device_grant AFTER INSERT ON hub_device
  WHEN EXISTS (SELECT 1 FROM spokesperson WHERE id = NEW.spokesperson_id
               AND station_id = NEW.station_id)
  BEGIN
    INSERT INTO _device(device_id, token_hash, role, station_id, spokesperson_id, replica_id,
                        created_at, revoked_at, last_seen_at, last_address, provisioned_by)
      VALUES (NEW.id, NEW.token_hash, 'spokesperson', NEW.station_id, NEW.spokesperson_id,
              NEW.replica_id, NEW.created_at, NEW.revoked_at, NEW.last_hub_sync,
              CASE WHEN NEW.last_hub_sync IS NULL THEN NULL ELSE 'hub ' || NEW.station_id END,
              'station ' || NEW.station_id)
      ON CONFLICT(device_id) DO NOTHING;
  END;

CREATE TRIGGER hub_device_follow AFTER UPDATE ON hub_device
  BEGIN
    INSERT INTO _device(device_id, token_hash, role, station_id, spokesperson_id, created_at,
                        provisioned_by)
      SELECT NEW.id, NEW.token_hash, 'spokesperson', NEW.station_id, NEW.spokesperson_id,
             NEW.created_at, 'station ' || NEW.station_id
      WHERE EXISTS (SELECT 1 FROM spokesperson WHERE id = NEW.spokesperson_id
                    AND station_id = NEW.station_id)
      ON CONFLICT(device_id) DO NOTHING;
    UPDATE _device SET
      revoked_at = COALESCE(revoked_at, NEW.revoked_at),
      replica_id = COALESCE(replica_id, NEW.replica_id),
      last_address = CASE WHEN NEW.last_hub_sync > COALESCE(last_seen_at, '')
                          THEN 'hub ' || NEW.station_id ELSE last_address END,
      last_seen_at = CASE WHEN NEW.last_hub_sync > COALESCE(last_seen_at, '')
                          THEN NEW.last_hub_sync ELSE last_seen_at END
      WHERE device_id = NEW.id AND provisioned_by = 'station ' || NEW.station_id;
  END;
