#include "shared/app/attachments.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "shared/app/files.h"
#include "shared/app/parse.h"
#include "shared/app/tables.h"
#include "shared/sync/blob_store.h"

namespace liaison::app {

namespace {

constexpr const char* kColumns =
    "a.id, a.owner_table, a.owner_id, a.station_id, a.sha256, a.size, a.mime, a.name, a.at, "
    "COALESCE(b.complete, 0)";
constexpr const char* kFrom = " FROM attachment a LEFT JOIN _blob b ON b.sha256 = a.sha256 ";

// The record an attachment hangs on.
struct Owner {
  std::string table;
  std::optional<std::string> station;
};

// The station table that holds a row with this id. Attachments do not hang on attachments.
Result<Owner> find_owner(sync::Replica& r, const std::string& id) {
  for (const sync::TablePolicy& t : sync::tables()) {
    if (t.scope != sync::Scope::kStation || t.name == "attachment") continue;
    if (t.column_index("station_id") < 0) continue;
    LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                             r.db().prepare("SELECT station_id FROM " + t.name + " WHERE id = ?"));
    q.bind(1, id);
    LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
    if (found) return Owner{t.name, opt_text(q, 0)};
  }
  return Status::not_found("err.not_found", id);
}

Result<std::optional<std::string>> duplicate_of(sync::Replica& r, const std::string& owner_id,
                                                const std::string& sha) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           r.db().prepare("SELECT id FROM attachment WHERE owner_id = ? AND "
                                          "sha256 = ? ORDER BY at, id LIMIT 1"));
  q.bind(1, owner_id).bind(2, sha);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(q.column_text(0));
}

// The first bytes of the file, enough to tell its type (empty when it cannot be read: hashing
// it has just succeeded, so storing it reports the failure).
std::string file_head(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(16, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return head;
}

// The file's name as stored: its last component, when it is text a person can read.
std::optional<std::string> display_name(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (is_blank(name) || !check_text(name, "name").is_ok()) return std::nullopt;
  return name;
}

Attachment read_attachment(const storage::Stmt& q) {
  Attachment a;
  a.id = q.column_text(0);
  a.owner_table = q.column_text(1);
  a.owner_id = q.column_text(2);
  a.station = opt_text(q, 3);
  a.sha256 = q.column_text(4);
  a.size = q.column_int(5);
  a.mime = opt_text(q, 6);
  a.name = opt_text(q, 7);
  a.at = q.column_text(8);
  a.present = q.column_int(9) == 1;
  return a;
}

}  // namespace

std::string sniff_mime(std::string_view head) {
  auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts("\x89PNG\r\n\x1A\n")) return "image/png";
  if (starts("%PDF-")) return "application/pdf";
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4)))
    return "image/tiff";
  return "application/octet-stream";
}

Result<Attached> attach_file(sync::Replica& replica, const std::string& owner_id,
                             const std::string& path) {
  LIAISON_ASSIGN_OR_RETURN(Owner owner, find_owner(replica, owner_id));
  sync::BlobStore store(replica.db());
  LIAISON_ASSIGN_OR_RETURN(sync::BlobInfo blob, store.hash_file(path));
  LIAISON_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                           duplicate_of(replica, owner_id, blob.sha256));
  if (existing) return Status(Code::kAlreadyExists, "err.attachment_duplicate", *existing);
  const sync::TablePolicy& t = table_named("attachment");
  FieldList f(t);
  f.set("owner_table", owner.table).set("owner_id", owner_id).set_text("station_id", owner.station);
  f.set("sha256", blob.sha256).set("size", static_cast<int64_t>(blob.size));
  f.set("mime", sniff_mime(file_head(path))).set_text("name", display_name(path));
  f.set("at", replica.now_iso());
  Attached out{{}, blob.sha256};
  LIAISON_RETURN_IF_ERROR(replica.write([&]() -> Status {
    Result<sync::BlobInfo> stored = store.put_file(path, blob.sha256);
    if (!stored) return stored.status();
    LIAISON_ASSIGN_OR_RETURN(out.id, replica.insert(t, f.fields()));
    return {};
  }));
  return out;
}

Result<std::vector<Attachment>> attachments_of(sync::Replica& replica, const std::string& owner_id) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare(std::string("SELECT ") + kColumns + kFrom +
                                                "WHERE a.owner_id = ? ORDER BY a.at, a.id"));
  q.bind(1, owner_id);
  std::vector<Attachment> out;
  for (;;) {
    LIAISON_ASSIGN_OR_RETURN(bool more, q.step());
    if (!more) break;
    out.push_back(read_attachment(q));
  }
  return out;
}

Result<Attachment> find_attachment(sync::Replica& replica, const std::string& id_or_sha) {
  LIAISON_ASSIGN_OR_RETURN(storage::Stmt q,
                           replica.db().prepare(std::string("SELECT ") + kColumns + kFrom +
                                                "WHERE a.id = ?1 OR a.sha256 = ?1 "
                                                "ORDER BY a.id = ?1 DESC, a.at, a.id LIMIT 1"));
  q.bind(1, id_or_sha);
  LIAISON_ASSIGN_OR_RETURN(bool found, q.step());
  if (!found) return Status::not_found("err.not_found", id_or_sha);
  return read_attachment(q);
}

Result<Attachment> export_attachment(sync::Replica& replica, const std::string& id_or_sha,
                                     const std::string& out) {
  LIAISON_ASSIGN_OR_RETURN(Attachment a, find_attachment(replica, id_or_sha));
  sync::BlobStore store(replica.db());
  LIAISON_ASSIGN_OR_RETURN(std::string bytes, store.read_all(a.sha256));
  LIAISON_RETURN_IF_ERROR(write_file_atomic(out, bytes));
  return a;
}

}  // namespace liaison::app
