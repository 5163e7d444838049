// Changesets for codec tests: a sample that uses every part of the format, a field-by-field
// comparison that names the first difference, and framing of hand-built msgpack bodies with the
// magic, format byte and checksum that shared/wire/changeset.cpp specifies; and the robustness
// checks every protocol message must pass.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "shared/wire/changeset.h"
#include "shared/wire/messages.h"

namespace liaison::test {

// Two origins, two tables, creations and updates with bases, every value type, a UUID row id
// (sent as 16 bytes) and a code row id (sent as text).
wire::Changeset sample_changeset();

// Adds a gtest failure naming the first difference between want and got.
void expect_same_changeset(const wire::Changeset& want, const wire::Changeset& got);

// "LCS" format body crc32be: what encode() wraps around its msgpack body.
std::string frame_body(std::string_view body, uint8_t format = wire::kChangesetFormat);
// The msgpack body inside an encoded changeset. REQUIRES: encoded came from encode().
std::string body_of(std::string_view encoded);

// Every prefix of each message's encoding is refused by decode_message().
void expect_every_truncation_refused(const std::vector<wire::Message>& messages);
// Flipping any bit pattern of {0x01, 0x20, 0x80, 0xff} into any byte of each message's encoding
// decodes or is refused as corruption or over a limit; it never crashes.
void expect_flipped_bytes_handled(const std::vector<wire::Message>& messages);

}  // namespace liaison::test
