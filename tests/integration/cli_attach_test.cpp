// liaison attach / attachment list / attachment get, run as the real binary: a scan attached to
// an opinion or a handling step shows up with the record and comes back out byte for byte; an
// unknown id, a missing file or the same scan twice is one error line and changes nothing.
#include "tests/integration/cli_fixture.h"

#include <fstream>
#include <iterator>

#include "shared/sync/blob_store.h"
#include "shared/util/uuid.h"

namespace liaison::test {
namespace {

using nlohmann::json;

class CliAttachTest : public CliTest {
 protected:
  // A small PNG-looking file.
  std::string png(const std::string& name, char fill = 'p') {
    std::string bytes = std::string("\x89PNG\r\n\x1A\n", 8) + std::string(3000, fill);
    write_file(name, bytes);
    return bytes;
  }

  // Rows in a bookkeeping table of the replica at db; -1 when it cannot be read.
  int64_t rows(const std::string& db, const std::string& table) {
    auto r = sync::Replica::open(path(db));
    if (!r) return -1;
    auto q = r.value()->db().prepare("SELECT COUNT(*) FROM " + table);
    if (!q || !q->step().is_ok()) return -1;
    return q->column_int(0);
  }

  // The file's bytes, empty when it cannot be read.
  std::string read_bytes(const std::string& name) {
    std::ifstream in(path(name), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // Nothing a failed command may have touched changed: records, content, chunks.
  void expect_unchanged(const std::string& db, const std::string& digest_before,
                        int64_t blobs_before, int64_t chunks_before) {
    EXPECT_EQ(digest(db), digest_before);
    EXPECT_EQ(rows(db, "_blob"), blobs_before);
    EXPECT_EQ(rows(db, "_blob_chunk"), chunks_before);
  }
};

TEST_F(CliAttachTest, AScanIsAttachedShownAndTakenBackOut) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "甲", "--matter", "附来信扫描件"});
  std::string bytes = png("scan.png");
  json attached = liaison_json("a.db", {"attach", id, "scan.png"});
  ASSERT_TRUE(attached.is_object()) << attached;
  EXPECT_EQ(attached.size(), 2u);
  EXPECT_TRUE(is_uuid_text(attached.at("id").get<std::string>()));
  EXPECT_EQ(attached.at("sha256"), sync::sha256_hex(bytes));

  json shown = liaison_json("a.db", {"opinion", "show", id});
  ASSERT_EQ(shown.at("attachments").size(), 1u);
  json a = shown.at("attachments")[0];
  EXPECT_EQ(a.at("id"), attached.at("id"));
  EXPECT_EQ(a.at("sha256"), attached.at("sha256"));
  EXPECT_EQ(a.at("mime"), "image/png");
  EXPECT_EQ(a.at("name"), "scan.png");
  EXPECT_EQ(a.at("size"), bytes.size());
  EXPECT_EQ(a.at("present"), true);
  RunResult text = liaison({"--db", "a.db", "opinion", "show", id});
  EXPECT_NE(text.out.find("附件"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("scan.png"), std::string::npos) << text.out;

  // Out again, by hash and by attachment id.
  json got = liaison_json("a.db", {"attachment", "get", attached.at("sha256"), "--out", "back.png"});
  EXPECT_EQ(got.at("size"), bytes.size());
  EXPECT_EQ(read_bytes("back.png"), bytes);
  RunResult by_id = liaison({"--db", "a.db", "--lang", "en", "attachment", "get",
                             attached.at("id").get<std::string>(), "--out", "again.png"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_NE(by_id.out.find("saved to"), std::string::npos) << by_id.out;
  EXPECT_EQ(read_bytes("again.png"), bytes);
}

TEST_F(CliAttachTest, PeopleReadTheResultInChineseOrEnglish) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "乙", "--matter", "照片为证"});
  png("one.png", 'a');
  png("two.png", 'b');
  RunResult zh = liaison({"--db", "a.db", "attach", id, "one.png"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_EQ(zh.out.rfind("已添加附件", 0), 0u) << zh.out;
  RunResult en = liaison({"--db", "a.db", "--lang", "en", "attach", id, "two.png"});
  ASSERT_EQ(en.exit_code, 0) << en.err;
  EXPECT_EQ(en.out.rfind("attachment ", 0), 0u) << en.out;
  EXPECT_NE(en.out.find("added"), std::string::npos) << en.out;
  EXPECT_EQ(liaison_json("a.db", {"attachment", "list", id}).size(), 2u);
}

TEST_F(CliAttachTest, AnyStationRecordTakesAttachments) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "丙", "--matter", "答复函"});
  json step = liaison_json("a.db", {"opinion", "step", id, "replied", "--note", "书面答复"});
  std::string step_id = step.at("id");
  write_file("reply.pdf", "%PDF-1.7\nreply letter");
  json attached = liaison_json("a.db", {"attach", step_id, "reply.pdf"});
  json list = liaison_json("a.db", {"attachment", "list", step_id});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("id"), attached.at("id"));
  EXPECT_EQ(list[0].at("mime"), "application/pdf");
  // The step's attachment is not the opinion's.
  EXPECT_EQ(liaison_json("a.db", {"opinion", "show", id}).at("attachments").size(), 0u);
}

TEST_F(CliAttachTest, BadInputIsOneErrorLineAndChangesNothing) {
  init_station("a.db");
  std::string id = add_opinion("a.db", {"--voter", "丁", "--matter", "原件照片"});
  png("scan.png");
  ASSERT_EQ(liaison({"--db", "a.db", "attach", id, "scan.png"}).exit_code, 0);
  std::string before = digest("a.db");
  int64_t blobs = rows("a.db", "_blob");
  int64_t chunks = rows("a.db", "_blob_chunk");
  ASSERT_EQ(blobs, 1);
  ASSERT_EQ(chunks, 1);

  png("other.png", 'q');
  RunResult unknown = liaison({"--db", "a.db", "attach", "0190c0de-0000-7000-8000-000000000000",
                               "other.png"});
  expect_one_error_line(unknown);
  EXPECT_NE(unknown.err.find("找不到记录"), std::string::npos) << unknown.err;
  expect_unchanged("a.db", before, blobs, chunks);

  RunResult missing = liaison({"--db", "a.db", "--lang", "en", "attach", id, "nowhere.png"});
  expect_one_error_line(missing, "error: ");
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
  expect_unchanged("a.db", before, blobs, chunks);

  RunResult twice = liaison({"--db", "a.db", "attach", id, "scan.png"});
  expect_one_error_line(twice);
  EXPECT_EQ(twice.exit_code, 2);
  expect_unchanged("a.db", before, blobs, chunks);

  RunResult not_here = liaison({"--db", "a.db", "attachment", "get", std::string(64, 'a'), "--out",
                                "x.png"});
  expect_one_error_line(not_here);
  EXPECT_TRUE(read_bytes("x.png").empty());
}

}  // namespace
}  // namespace liaison::test
