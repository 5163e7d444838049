-- 0005: attachment content (scans and photos of paper records), kept in the replica itself.
--
-- Attachment rows (table attachment, 0001) name their content by SHA-256 in lowercase hex. The
-- content lives here, once per distinct hash however many rows refer to it, in chunks of
-- 262,144 bytes (the last chunk of a content holds the rest), so that a transfer cut halfway
-- resumes from the last chunk received (docs/protocol.md, "Attachment content"). These are
-- bookkeeping tables, not synced domain tables: no _clk, no guard triggers, never in a
-- changeset. They are written only by shared/sync/blob_store.cpp.
--
-- _blob: one row per content held whole or in part. received counts the bytes held, always a
-- prefix of the content (chunks arrive in order). complete is set only once every byte is
-- here and the SHA-256 of the whole matched; a content that does not match is deleted.
CREATE TABLE _blob (
  sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, received INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
  CHECK (received >= 0 AND received <= size)) WITHOUT ROWID;
-- The chunks of each content, by byte offset (a multiple of the chunk size).
CREATE TABLE _blob_chunk (
  sha256 TEXT NOT NULL, offset INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (sha256, offset));
-- What a peer (by its replica id) answered about a content this replica offered it: 'have'
-- (it holds it whole) or 'refused' (no row there refers to it for this device). Such content
-- is not offered to that peer again.
CREATE TABLE _blob_peer (
  peer TEXT NOT NULL, sha256 TEXT NOT NULL, state TEXT NOT NULL,
  PRIMARY KEY (peer, sha256)) WITHOUT ROWID;
-- The attachment rows that refer to a content.
CREATE INDEX attachment_sha256 ON attachment(sha256);
