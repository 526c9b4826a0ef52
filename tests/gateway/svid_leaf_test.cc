// R8: the X.509-SVID leaf profile, on certificates made at test time and
// through TrustAnchors (what the handshake and every call check).
#include <ctime>

#include "gateway/trust_anchors.h"
#include "gateway/x509_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_pki.h"

namespace ctg::gateway {
namespace {

using ::ctg::testing::CertSpec;
using ::ctg::testing::ClientSpec;
using ::ctg::testing::IsOk;
using ::ctg::testing::IssueCertificate;
using ::ctg::testing::PemPair;
using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kId[] = "spiffe://ctg.caf33.fr/caf/33/admin/mallory";

class SvidLeafTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    CertSpec ca;
    ca.common_name = "test CA";
    ca.basic_constraints = "critical,CA:TRUE";
    ca.key_usage = "critical,keyCertSign,cRLSign";
    ca.extended_key_usage = "";
    ca_ = new PemPair(IssueCertificate(ca, nullptr));
  }
  static void TearDownTestSuite() { delete ca_; }

  void SetUp() override {
    testing::WriteFile(dir_.path() + "/ca.pem", ca_->cert);
    testing::WriteFile(dir_.path() + "/crl.pem", testing::MakeEmptyCrl(*ca_));
    auto anchors =
        TrustAnchors::Load(dir_.path() + "/ca.pem", dir_.path() + "/crl.pem");
    ASSERT_THAT(anchors, IsOk());
    anchors_ = *anchors;
  }

  static absl::Status Profile(const CertSpec& spec) {
    PemPair leaf = IssueCertificate(spec, ca_);
    auto cert = ParsePemCertificate(leaf.cert);
    EXPECT_THAT(cert, IsOk());
    return CheckSvidLeafProfile(cert->get());
  }
  absl::Status Verify(const CertSpec& spec, bool self_signed = false) const {
    PemPair leaf = IssueCertificate(spec, self_signed ? nullptr : ca_);
    return anchors_->VerifyClient(leaf.cert, "", std::time(nullptr));
  }

  static PemPair* ca_;
  testing::TempDir dir_;
  std::shared_ptr<const TrustAnchors> anchors_;
};
PemPair* SvidLeafTest::ca_ = nullptr;

TEST_F(SvidLeafTest, AnOrdinaryClientCertificateIsAccepted) {
  EXPECT_THAT(Profile(ClientSpec(kId)), IsOk());
  EXPECT_THAT(Verify(ClientSpec(kId)), IsOk());
  CertSpec minimal =
      ClientSpec(kId);  // no basicConstraints, no EKU: still a leaf
  minimal.basic_constraints = "";
  minimal.extended_key_usage = "";
  EXPECT_THAT(Verify(minimal), IsOk());
}

TEST_F(SvidLeafTest, ACaCertificateIsNotAClientIdentity) {
  CertSpec spec = ClientSpec(kId);
  spec.basic_constraints = "critical,CA:TRUE";
  spec.key_usage = "critical,digitalSignature,keyCertSign";
  EXPECT_THAT(Profile(spec), StatusIs(absl::StatusCode::kUnauthenticated,
                                      HasSubstr("CA:TRUE")));
  EXPECT_THAT(Verify(spec), StatusIs(absl::StatusCode::kUnauthenticated,
                                     HasSubstr("CA:TRUE")));
}

TEST_F(SvidLeafTest, KeyCertSignOrCrlSignIsRefusedEvenWithoutCa) {
  for (const char* usage : {"critical,digitalSignature,keyCertSign",
                            "critical,digitalSignature,cRLSign"}) {
    CertSpec spec = ClientSpec(kId);
    spec.key_usage = usage;
    EXPECT_THAT(Profile(spec), StatusIs(absl::StatusCode::kUnauthenticated,
                                        HasSubstr("keyCertSign or cRLSign")))
        << usage;
    // (OpenSSL's strict mode already refuses keyCertSign without CA:TRUE;
    // cRLSign is left to the profile check.)
    EXPECT_THAT(Verify(spec), StatusIs(absl::StatusCode::kUnauthenticated,
                                       HasSubstr("client certificate refused")))
        << usage;
  }
}

TEST_F(SvidLeafTest, AnExtendedKeyUsageWithoutClientAuthIsRefused) {
  CertSpec spec = ClientSpec(kId);
  spec.extended_key_usage = "serverAuth";
  EXPECT_THAT(Profile(spec),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("does not include clientAuth")));
  EXPECT_THAT(Verify(spec), StatusIs(absl::StatusCode::kUnauthenticated,
                                     HasSubstr("clientAuth")));
  spec.extended_key_usage = "serverAuth,clientAuth";
  EXPECT_THAT(Verify(spec), IsOk());
}

TEST_F(SvidLeafTest, SelfSignedWithAGoodSanIsRefused) {
  EXPECT_THAT(Verify(ClientSpec(kId), /*self_signed=*/true),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("client certificate refused")));
}

TEST_F(SvidLeafTest, NoCertificateIsRefused) {
  EXPECT_THAT(anchors_->VerifyClient("", "", std::time(nullptr)),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("no client certificate")));
}

}  // namespace
}  // namespace ctg::gateway
