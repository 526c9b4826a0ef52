#include "audit/hash.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace ctg::audit {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST(HashTest, Sha256KnownAnswers) {
  EXPECT_EQ(HashToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashToHex(EmptyTreeRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashTest, LeafAndNodeUseDomainSeparation) {
  // RFC 6962 reference: the leaf hash of the empty leaf.
  EXPECT_EQ(HashToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(LeafHash("x"), Sha256(std::string("\x00x", 2)));
  const Hash a = LeafHash("a"), b = LeafHash("b");
  std::string node(1, '\x01');
  node += std::string(AsBytes(a));
  node += std::string(AsBytes(b));
  EXPECT_EQ(NodeHash(a, b), Sha256(node));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(HashTest, HasherIsReusable) {
  Sha256Hasher hasher;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(hasher.Digest("abc"), Sha256("abc"));
    EXPECT_EQ(hasher.Leaf("abc"), LeafHash("abc"));
  }
}

TEST(HashTest, BatchLeafHashesMatchSingles) {
  std::vector<std::string> data = {"", "a", std::string(1000, 'z'), "\x00\x01"};
  std::vector<absl::string_view> views(data.begin(), data.end());
  std::vector<Hash> out(data.size());
  LeafHashes(views, absl::MakeSpan(out));
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(out[i], LeafHash(data[i]));
}

TEST(HashTest, HexRoundTripAndStrictness) {
  const Hash h = Sha256("abc");
  CTG_ASSERT_OK_AND_ASSIGN(Hash back, HashFromHex(HashToHex(h)));
  EXPECT_EQ(back, h);
  EXPECT_THAT(HashFromHex("abc"), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("got 3 characters")));
  std::string upper = HashToHex(h);
  upper[10] = 'A';
  EXPECT_THAT(HashFromHex(upper), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("offset 10")));
}

TEST(HashTest, Base64RoundTripAndStrictness) {
  const Hash h = Sha256("abc");
  const std::string b64 = HashToBase64(h);
  EXPECT_EQ(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
  CTG_ASSERT_OK_AND_ASSIGN(Hash back, HashFromBase64(b64));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(HashFromBase64(b64.substr(0, 43)).ok());  // no padding
  EXPECT_FALSE(HashFromBase64("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0=")
                   .ok());  // URL alphabet
  EXPECT_FALSE(HashFromBase64("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa1=")
                   .ok());  // non-canonical
  EXPECT_FALSE(HashFromBase64("").ok());
}

}  // namespace
}  // namespace ctg::audit
