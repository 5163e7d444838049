// Attachments: scans and photos of paper records (a voter's letter, a signed reception log)
// attached to a record of any station table (opinion, reception day, visit, spokesperson, ...).
// The content is kept in the replica (shared/sync/blob_store.h) and the attachment row goes
// through change capture like every record, so both reach the district with the next sync.
//
// Attaching the same content twice to the same record is refused (AlreadyExists), so that a
// scan taken twice by mistake is not listed twice; the same content may hang on other records.
// Not thread-safe (see Replica).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/app/model.h"
#include "shared/sync/replica.h"
#include "shared/util/status.h"

namespace liaison::app {

// The MIME type of content from its first bytes: image/jpeg, image/png, application/pdf,
// image/tiff, else application/octet-stream.
std::string sniff_mime(std::string_view head);

struct Attached {
  std::string id, sha256;
};

// Attaches the file at path to the record owner_id; its content is stored and the attachment
// row records the owner's table and station, the content's hash, size and type, and the file's
// name. All of it is written in one transaction, or nothing is. Errors: NotFound err.not_found
// for an id no station record has; InvalidArgument err.file_missing; LimitExceeded
// err.attachment_too_big (over 64 MiB); AlreadyExists err.attachment_duplicate (the detail names
// the attachment that holds the same content); Io err.file, err.file_changed.
Result<Attached> attach_file(sync::Replica& replica, const std::string& owner_id,
                             const std::string& path);

// The attachments of one record, in (at, id) order.
Result<std::vector<Attachment>> attachments_of(sync::Replica& replica, const std::string& owner_id);

// The attachment with this id, or the first (by at, id) whose content has this SHA-256.
// NotFound err.not_found when there is none.
Result<Attachment> find_attachment(sync::Replica& replica, const std::string& id_or_sha);

// Writes the content of the attachment named by id_or_sha (see find_attachment) to the file at
// out, replacing it atomically. NotFound err.blob_missing when the content is not here yet
// (it comes with a sync); Io err.file when out cannot be written.
Result<Attachment> export_attachment(sync::Replica& replica, const std::string& id_or_sha,
                                     const std::string& out);

}  // namespace liaison::app
