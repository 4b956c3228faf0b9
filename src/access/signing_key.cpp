// ES256 keys, signatures and randomness through OpenSSL 3's EVP API. Nothing here computes
// cryptography itself: DER <-> (r, s) conversion uses OpenSSL's ECDSA_SIG, the digest of the
// thumbprint EVP_Digest, randomness RAND_bytes.
#include "access/signing_key.hpp"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "util/base64url.hpp"
#include "util/error.hpp"

namespace hs::access {

namespace {

constexpr std::size_t kCoordinate = 32;  // P-256: 256-bit coordinates and signature halves

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

// The failing call and OpenSSL's first queued reason (which never holds key material).
[[noreturn]] void fail(const char* call) {
  unsigned long code = ERR_get_error();
  char reason[256] = "no reason given";
  if (code) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw Error(fmt::format("signing key: {} failed: {}", call, reason));
}

std::string coordinate(const EVP_PKEY* pkey, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &raw) != 1) fail("EVP_PKEY_get_bn_param");
  Owned<BIGNUM> bn(raw);
  std::string out(kCoordinate, '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), kCoordinate) != static_cast<int>(kCoordinate))
    fail("BN_bn2binpad");
  return out;
}

bool is_p256(const EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return false;
  char curve[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &len) != 1) return false;
  return std::string_view(curve, len) == "prime256v1" || std::string_view(curve, len) == "P-256";
}

}  // namespace

SigningKey SigningKey::generate() {
  EVP_PKEY* raw = EVP_EC_gen("P-256");
  if (!raw) fail("EVP_EC_gen(P-256)");
  return SigningKey(std::shared_ptr<evp_pkey_st>(raw, Free{}));
}

SigningKey SigningKey::from_pem(std::string_view pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail("BIO_new_mem_buf");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (!raw) throw Error("signing key: not a PEM private key");
  std::shared_ptr<evp_pkey_st> pkey(raw, Free{});
  if (!is_p256(raw)) throw Error("signing key: not a P-256 private key");
  return SigningKey(std::move(pkey));
}

std::string SigningKey::private_pem() const {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("BIO_new");
  if (PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("PEM_write_bio_PrivateKey");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(len));
  OPENSSL_cleanse(data, static_cast<std::size_t>(len));
  return pem;
}

nlohmann::json SigningKey::public_jwk(const std::string& kid) const {
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", base64url_encode(coordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X))},
          {"y", base64url_encode(coordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y))},
          {"use", "sig"},
          {"alg", "ES256"},
          {"kid", kid}};
}

std::string SigningKey::thumbprint() const {
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  std::string canonical = fmt::format(R"({{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}})",
                                      base64url_encode(coordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X)),
                                      base64url_encode(coordinate(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr) != 1) fail("EVP_Digest");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

std::string SigningKey::sign(std::string_view data) const {
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx) fail("EVP_MD_CTX_new");
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1) fail("EVP_DigestSignInit");
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) fail("EVP_DigestSign");
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, data.size()) != 1)
    fail("EVP_DigestSign");
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  Owned<ECDSA_SIG> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) fail("d2i_ECDSA_SIG");
  std::string out(2 * kCoordinate, '\0');
  auto buf = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), buf, kCoordinate) != static_cast<int>(kCoordinate) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), buf + kCoordinate, kCoordinate) != static_cast<int>(kCoordinate))
    fail("BN_bn2binpad");
  return out;
}

bool SigningKey::verify(std::string_view data, std::string_view signature) const {
  if (signature.size() != 2 * kCoordinate) return false;
  auto raw = reinterpret_cast<const unsigned char*>(signature.data());
  Owned<ECDSA_SIG> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw, kCoordinate, nullptr);
  BIGNUM* s = BN_bin2bn(raw + kCoordinate, kCoordinate, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    fail("ECDSA_SIG_set0");
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) fail("i2d_ECDSA_SIG");
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(der, [](unsigned char* d) { OPENSSL_free(d); });
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (!ctx) fail("EVP_MD_CTX_new");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1) fail("EVP_DigestVerifyInit");
  int ok = EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
  ERR_clear_error();
  return ok == 1;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) fail("RAND_bytes");
  return out;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hs::access
