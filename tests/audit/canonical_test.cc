#include "audit/canonical.h"

#include <string>

#include "absl/strings/escaping.h"
#include "audit/event_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/audit/test_util.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::IsOk;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

// The worked example of docs/audit-log-format.md. If this test changes, the
// document must change with it.
Event DocExampleEvent() {
  Event e;
  e.sequence = 1;
  e.time_micros = 1795908624123456;  // 2026-11-28T23:30:24.123456Z
  e.caller = "spiffe://caf33.example/commune/33069/requester/alice";
  e.cert_sha256 = "";
  e.peer = "ipv4:10.0.0.7:50312";
  e.method = "/ctg.v1.DataRequests/SubmitRequest";
  e.target_kind = "request";
  e.target_id = "req-1";
  e.code = 0;
  e.message = "";
  e.facts = {{"purpose", "Diagnostic petite enfance, quartier Féline"}};
  return e;
}

constexpr char kDocExampleHex[] =
    "01"                // version 0x01
    "0000000000000001"  // sequence 1
    "0006615e8f970640"  // time 1795908624123456 us
    "00000034"          // caller: length 52
    "7370696666653a2f2f63616633332e6578616d706c652f636f6d6d756e652f33"  // caller
                                                                        // bytes
    "333036392f7265717565737465722f616c696365"
    "00000000"                                // cert_sha256: length 0
    "00000013"                                // peer: length 19
    "697076343a31302e302e302e373a3530333132"  // peer bytes
    "00000022"                                // method: length 34
    "2f6374672e76312e4461746152657175657374732f5375626d69745265717565"  // method
                                                                        // bytes
    "7374"
    "00000007"        // target_kind: length 7
    "72657175657374"  // target_kind bytes
    "00000005"        // target_id: length 5
    "7265712d31"      // target_id bytes
    "00000000"        // code 0
    "00000000"        // message: length 0
    "00000001"        // fact_count 1
    "00000007"        // facts[0].key: length 7
    "707572706f7365"  // facts[0].key bytes
    "0000002b"        // facts[0].value: length 43
    "446961676e6f737469632070657469746520656e66616e63652c207175617274"  // facts[0].value
                                                                        // bytes
    "6965722046c3a96c696e65";

TEST(CanonicalTest, DocExampleBytesAndLeafHash) {
  const std::string bytes = EncodeCanonical(DocExampleEvent());
  EXPECT_EQ(absl::BytesToHexString(bytes), kDocExampleHex);
  EXPECT_EQ(bytes.size(), CanonicalSize(DocExampleEvent()));
  EXPECT_EQ(HashToHex(LeafHash(bytes)),
            "3e54b0d232d9246efa905ed4e9a12bb6bd5ae91658ea9da59dc8308c6e998c5a");
  EXPECT_EQ(EventLeafHash(DocExampleEvent()), LeafHash(bytes));
}

TEST(CanonicalTest, RoundTrips) {
  for (uint64_t seq : std::vector<uint64_t>{1, 2, 5, 99, UINT64_MAX}) {
    Event e = testing::MakeEvent(seq == UINT64_MAX ? 3 : seq);
    e.sequence = seq;
    ASSERT_THAT(ValidateEvent(e), IsOk());
    CTG_ASSERT_OK_AND_ASSIGN(Event back, DecodeCanonical(EncodeCanonical(e)));
    EXPECT_EQ(back, e);
  }
  Event edge = DocExampleEvent();
  edge.time_micros = -1;
  edge.code = -2147483647 - 1;
  edge.message = std::string("nul\0inside", 10);
  edge.facts.clear();
  CTG_ASSERT_OK_AND_ASSIGN(Event back, DecodeCanonical(EncodeCanonical(edge)));
  EXPECT_EQ(back, edge);
}

TEST(CanonicalTest, MinimalEventSize) {
  Event e;
  e.sequence = 1;
  EXPECT_EQ(EncodeCanonical(e).size(), kMinCanonicalEventBytes);
  EXPECT_EQ(kMinCanonicalEventBytes, 53u);
}

TEST(CanonicalTest, AppendReusesTheBuffer) {
  std::string buf = "prefix";
  AppendCanonical(DocExampleEvent(), &buf);
  EXPECT_EQ(buf.substr(6), EncodeCanonical(DocExampleEvent()));
}

std::string Bytes() { return EncodeCanonical(DocExampleEvent()); }

TEST(CanonicalTest, RejectsTrailingBytes) {
  EXPECT_THAT(
      DecodeCanonical(Bytes() + "x"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("1 trailing bytes after the last field at offset 228")));
}

TEST(CanonicalTest, RejectsTruncation) {
  const std::string bytes = Bytes();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_THAT(DecodeCanonical(bytes.substr(0, n)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("canonical event")))
        << n;
  }
  EXPECT_THAT(
      DecodeCanonical(bytes.substr(0, 20)),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("field caller at offset 17 needs 4 bytes, only 3 left")));
}

TEST(CanonicalTest, RejectsUnknownVersion) {
  std::string bytes = Bytes();
  bytes[0] = 2;
  EXPECT_THAT(DecodeCanonical(bytes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown version byte 2")));
}

TEST(CanonicalTest, RejectsLengthPastTheEnd) {
  std::string bytes = Bytes();
  bytes[17] = '\x7f';  // caller length 0x7f000034
  EXPECT_THAT(DecodeCanonical(bytes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("field caller at offset 17: length 2130706484 "
                                 "runs past the end")));
}

TEST(CanonicalTest, RejectsHugeFactCount) {
  Event e = DocExampleEvent();
  e.facts.clear();
  std::string bytes = EncodeCanonical(e);
  bytes[bytes.size() - 4] = '\xff';
  EXPECT_THAT(DecodeCanonical(bytes),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("fact_count 4278190080")));
}

TEST(CanonicalTest, RejectsInvalidUtf8) {
  Event e = DocExampleEvent();
  e.peer = "ipv4:\xc3\x28";
  EXPECT_THAT(ValidateEvent(e),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("peer: invalid UTF-8 at byte 5")));
  EXPECT_THAT(DecodeCanonical(EncodeCanonical(e)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("field peer: invalid UTF-8")));
  const char* bad[] = {"\x80",
                       "\xc0\xaf",
                       "\xe0\x80\xaf",
                       "\xed\xa0\x80" /* surrogate */,
                       "\xf4\x90\x80\x80" /* > U+10FFFF */,
                       "\xf8\x88\x80\x80\x80",
                       "\xe2\x82"};
  for (const char* b : bad) {
    e.peer = b;
    EXPECT_FALSE(ValidateEvent(e).ok()) << absl::BytesToHexString(b);
  }
  e.peer = "\xf0\x9f\x98\x80 \xe2\x80\x94 \xc3\xa9";  // emoji, em dash, é
  EXPECT_THAT(ValidateEvent(e), IsOk());
}

TEST(CanonicalTest, RejectsUnsortedAndDuplicateFacts) {
  Event e = DocExampleEvent();
  e.facts = {{"b", "1"}, {"a", "2"}};
  EXPECT_THAT(
      DecodeCanonical(EncodeCanonical(e)),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "facts[1].key: \"a\" is not sorted after the previous key")));
  e.facts = {{"a", "1"}, {"a", "2"}};
  EXPECT_THAT(DecodeCanonical(EncodeCanonical(e)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("facts[1].key: \"a\" is a duplicate key")));
  e.facts = {{"", "1"}};
  EXPECT_THAT(ValidateEvent(e), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("facts[0].key: empty")));
  // Byte-wise order: "Z" < "a" < "\xc3\xa9".
  e.facts = {{"Z", ""}, {"a", ""}, {"\xc3\xa9", ""}};
  EXPECT_THAT(ValidateEvent(e), IsOk());
}

TEST(CanonicalTest, SanitizeUtf8) {
  EXPECT_EQ(SanitizeUtf8("plain é \xf0\x9f\x98\x80"),
            "plain é \xf0\x9f\x98\x80");
  EXPECT_EQ(SanitizeUtf8("a\xff"
                         "b\xc3"),
            "a\xef\xbf\xbd"
            "b\xef\xbf\xbd");
  EXPECT_EQ(SanitizeUtf8("\xed\xa0\x80"),
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(SanitizeUtf8("abcdef", 4), "abcd");
  EXPECT_EQ(SanitizeUtf8("ab\xc3\xa9", 3), "ab");  // never splits "é"
  EXPECT_EQ(SanitizeUtf8("ab\xff", 4), "ab");      // no room for U+FFFD
  EXPECT_EQ(SanitizeUtf8(""), "");
  for (const char* s : {"\x80\x80", "x\xe2\x82", "\xf4\x90\x80\x80z"}) {
    Event e = DocExampleEvent();
    e.message = SanitizeUtf8(s);
    EXPECT_THAT(ValidateEvent(e), IsOk()) << s;
  }
}

TEST(CanonicalTest, SortFactsSortsAndRejectsDuplicates) {
  std::vector<Fact> facts = {
      {"purpose", "p"}, {"decision", "d"}, {"cells", "3"}};
  ASSERT_THAT(SortFacts(&facts), IsOk());
  EXPECT_EQ(facts[0].key, "cells");
  EXPECT_EQ(facts[2].key, "purpose");
  facts.push_back({"cells", "4"});
  EXPECT_THAT(SortFacts(&facts),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duplicate key \"cells\"")));
}

TEST(CanonicalTest, ValidatesSequenceTimeAndFingerprint) {
  Event e = DocExampleEvent();
  e.sequence = 0;
  EXPECT_THAT(ValidateEvent(e), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("sequence: must be >= 1")));
  EXPECT_THAT(
      DecodeCanonical(EncodeCanonical(e)),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sequence")));
  e = DocExampleEvent();
  e.time_micros = INT64_MAX;
  EXPECT_THAT(ValidateEvent(e),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("audit event sequence 1: time")));
  e = DocExampleEvent();
  e.cert_sha256 = std::string(64, 'A');
  EXPECT_THAT(ValidateEvent(e), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("cert_sha256")));
  e.cert_sha256 = std::string(63, 'a');
  EXPECT_FALSE(ValidateEvent(e).ok());
  e.cert_sha256 = std::string(64, 'a');
  EXPECT_THAT(ValidateEvent(e), IsOk());
}

TEST(CanonicalTest, RejectsOversizedEvents) {
  Event e = DocExampleEvent();
  e.message = std::string(kMaxCanonicalEventBytes, 'x');
  EXPECT_THAT(ValidateEvent(e), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("more than the limit")));
  EXPECT_THAT(DecodeCanonical(EncodeCanonical(e)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than the limit")));
}

TEST(CanonicalTest, DecodeNeverCrashesOnMutations) {
  // Every single-byte mutation and truncation either decodes to a valid
  // event or fails cleanly.
  const std::string bytes = EncodeCanonical(testing::MakeEvent(42));
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int delta : {1, 0x7f, 0x80, 0xff}) {
      std::string m = bytes;
      m[i] = static_cast<char>(m[i] + delta);
      absl::StatusOr<Event> e = DecodeCanonical(m);
      if (e.ok()) {
        EXPECT_THAT(ValidateEvent(*e), IsOk());
        EXPECT_EQ(EncodeCanonical(*e), m);
      }
    }
  }
}

}  // namespace
}  // namespace ctg::audit
