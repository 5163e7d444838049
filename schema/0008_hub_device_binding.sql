-- 0008: a hub_device record never binds its device to a replica that is this replica or that
-- another device (not revoked) runs. Schema 6 bound whatever replica the record named as long as
-- the device had none: a station could name another computer's replica (one of its own station's
-- computers, whose id it sees in its version vector), relay changes under that replica's next
-- sequence numbers as if for its spokesperson's device, and so make the computer's real changes
-- duplicates at the district. The record itself is still applied and the device still granted,
-- only not bound; it binds to its own replica at its first sync. The two triggers of schema 6
-- are replaced; everything else stays (docs/protocol.md, "Station hubs").
DROP TRIGGER hub_device_grant;
DROP TRIGGER hub_device_follow;

CREATE TRIGGER hub_device_grant AFTER INSERT ON hub_device
  WHEN EXISTS (SELECT 1 FROM spokesperson WHERE id = NEW.spokesperson_id
               AND station_id = NEW.station_id)
  BEGIN
    INSERT INTO _device(device_id, token_hash, role, station_id, spokesperson_id, replica_id,
                        created_at, revoked_at, last_seen_at, last_address, provisioned_by)
      VALUES (NEW.id, NEW.token_hash, 'spokesperson', NEW.station_id, NEW.spokesperson_id,
              CASE WHEN NEW.replica_id IN (SELECT replica_id FROM _replica)
                     OR EXISTS (SELECT 1 FROM _device WHERE replica_id = NEW.replica_id
                                AND device_id <> NEW.id AND revoked_at IS NULL)
                   THEN NULL ELSE NEW.replica_id END,
              NEW.created_at, NEW.revoked_at, NEW.last_hub_sync,
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
      replica_id = COALESCE(replica_id,
                            CASE WHEN NEW.replica_id IN (SELECT replica_id FROM _replica)
                                   OR EXISTS (SELECT 1 FROM _device AS other
                                              WHERE other.replica_id = NEW.replica_id
                                              AND other.device_id <> NEW.id
                                              AND other.revoked_at IS NULL)
                                 THEN NULL ELSE NEW.replica_id END),
      last_address = CASE WHEN NEW.last_hub_sync > COALESCE(last_seen_at, '')
                          THEN 'hub ' || NEW.station_id ELSE last_address END,
      last_seen_at = CASE WHEN NEW.last_hub_sync > COALESCE(last_seen_at, '')
                          THEN NEW.last_hub_sync ELSE last_seen_at END
      WHERE device_id = NEW.id AND provisioned_by = 'station ' || NEW.station_id;
  END;
