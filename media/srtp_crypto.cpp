// SHA1_Init/SHA1_Update/SHA1_Final are deprecated in OpenSSL 3 but still built; they are the only
// allocation-free way to restart a keyed hash there (see hmac_sha1 in the header).
#define OPENSSL_SUPPRESS_DEPRECATED

#include "media/srtp_crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <utility>

namespace gatehouse::media::srtp_crypto {
namespace {

constexpr std::size_t sha1_block = 64;

// Fetches an AES cipher for the key length and keys `ctx` with it; the IV comes per packet.
bool init_cipher(cipher_ctx& ctx, std::span<std::uint8_t const> key, char const* name_128,
                 char const* name_256) noexcept {
  if (key.size() != 16 && key.size() != 32) return false;
  EVP_CIPHER* const cipher =
      EVP_CIPHER_fetch(nullptr, key.size() == 16 ? name_128 : name_256, nullptr);
  if (cipher == nullptr) return false;
  cipher_ctx fresh(EVP_CIPHER_CTX_new());
  // The context keeps its own reference to the fetched cipher.
  bool const ok =
      fresh && EVP_EncryptInit_ex(fresh.get(), cipher, nullptr, key.data(), nullptr) == 1;
  EVP_CIPHER_free(cipher);
  if (!ok) return false;
  ctx = std::move(fresh);
  return true;
}

bool fits_int(std::size_t n) noexcept {
  return n <= static_cast<std::size_t>(INT_MAX);
}

// Feeds associated data to an initialised GCM context (out == nullptr: AAD, RFC 5116 §2.1).
bool add_aad(EVP_CIPHER_CTX* ctx, std::span<std::uint8_t const> aad) noexcept {
  if (aad.empty()) return true;
  if (!fits_int(aad.size())) return false;
  int outl = 0;
  return EVP_CipherUpdate(ctx, nullptr, &outl, aad.data(), static_cast<int>(aad.size())) == 1;
}

void put_be(std::uint8_t* at, std::uint64_t v, std::size_t octets) noexcept {
  for (std::size_t i = octets; i-- > 0; v >>= 8) at[i] = static_cast<std::uint8_t>(v);
}

}  // namespace

void cipher_ctx_deleter::operator()(EVP_CIPHER_CTX* ctx) const noexcept {
  EVP_CIPHER_CTX_free(ctx);  // also wipes the key schedule
}

// RFC 3711 §4.3.1: x = key_id XOR master_salt, key_id = label || r (r = 0 with rate 0), the two
// right-aligned in 112 bits, so the label lands on octet 7; §4.3.3: the PRF is AES-CM keyed
// with the master key and counter x * 2^16.
bool derive(std::span<std::uint8_t const> master_key, std::span<std::uint8_t const> master_salt,
            label l, std::span<std::uint8_t> out) noexcept {
  if (master_salt.size() != 14 && master_salt.size() != 12) return false;
  std::array<std::uint8_t, 16> x{};
  std::copy(master_salt.begin(), master_salt.end(), x.begin());
  x[7] ^= static_cast<std::uint8_t>(l);
  aes_ctr prf;
  if (!prf.init(master_key)) return false;
  std::fill(out.begin(), out.end(), std::uint8_t{0});
  return prf.apply(x, out.data(), out.size());
}

std::array<std::uint8_t, 16> aes_cm_iv(std::span<std::uint8_t const, 14> salt, std::uint32_t ssrc,
                                       std::uint64_t index) noexcept {
  std::array<std::uint8_t, 16> iv{};
  put_be(iv.data() + 4, ssrc, 4);
  put_be(iv.data() + 8, index, 6);
  for (std::size_t i = 0; i < salt.size(); ++i) iv[i] ^= salt[i];
  return iv;
}

std::array<std::uint8_t, 12> aes_gcm_iv(std::span<std::uint8_t const, 12> salt, std::uint32_t ssrc,
                                        std::uint64_t index) noexcept {
  std::array<std::uint8_t, 12> iv{};
  put_be(iv.data() + 2, ssrc, 4);
  put_be(iv.data() + 6, index, 6);
  for (std::size_t i = 0; i < salt.size(); ++i) iv[i] ^= salt[i];
  return iv;
}

bool aes_ctr::init(std::span<std::uint8_t const> key) noexcept {
  return init_cipher(ctx_, key, "AES-128-CTR", "AES-256-CTR");
}

bool aes_ctr::apply(std::array<std::uint8_t, 16> const& iv, std::uint8_t* data,
                    std::size_t n) noexcept {
  if (!ctx_ || !fits_int(n)) return false;
  // No cipher and no key: only the counter changes, and nothing is allocated.
  if (EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (n == 0) return true;
  int outl = 0;
  return EVP_EncryptUpdate(ctx_.get(), data, &outl, data, static_cast<int>(n)) == 1 &&
         static_cast<std::size_t>(outl) == n;
}

bool aes_gcm::init(std::span<std::uint8_t const> key) noexcept {
  return init_cipher(ctx_, key, "AES-128-GCM", "AES-256-GCM");
}

bool aes_gcm::seal(std::array<std::uint8_t, 12> const& iv, std::span<std::uint8_t const> aad,
                   std::span<std::uint8_t const> aad_tail, std::uint8_t* data, std::size_t n,
                   std::uint8_t* tag) noexcept {
  if (!ctx_ || !fits_int(n)) return false;
  EVP_CIPHER_CTX* const ctx = ctx_.get();
  if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (!add_aad(ctx, aad) || !add_aad(ctx, aad_tail)) return false;
  int outl = 0;
  if (n > 0 && EVP_EncryptUpdate(ctx, data, &outl, data, static_cast<int>(n)) != 1) return false;
  std::uint8_t none[16];  // GCM's final step outputs nothing
  if (EVP_EncryptFinal_ex(ctx, none, &outl) != 1) return false;
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_length), tag) == 1;
}

bool aes_gcm::open(std::array<std::uint8_t, 12> const& iv, std::span<std::uint8_t const> aad,
                   std::span<std::uint8_t const> aad_tail, std::uint8_t* data, std::size_t n,
                   std::uint8_t const* tag) noexcept {
  if (!ctx_ || !fits_int(n)) return false;
  EVP_CIPHER_CTX* const ctx = ctx_.get();
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (!add_aad(ctx, aad) || !add_aad(ctx, aad_tail)) return false;
  int outl = 0;
  if (n > 0 && EVP_DecryptUpdate(ctx, data, &outl, data, static_cast<int>(n)) != 1) return false;
  // OpenSSL copies the expected tag and compares it in constant time (CRYPTO_memcmp).
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_length),
                          const_cast<std::uint8_t*>(tag)) != 1)
    return false;
  std::uint8_t none[16];
  return EVP_DecryptFinal_ex(ctx, none, &outl) == 1;
}

hmac_sha1::~hmac_sha1() {
  OPENSSL_cleanse(&inner_, sizeof inner_);
  OPENSSL_cleanse(&outer_, sizeof outer_);
}

// RFC 2104 §2: H(K XOR opad, H(K XOR ipad, text)).
void hmac_sha1::init(std::span<std::uint8_t const> key) noexcept {
  std::array<std::uint8_t, sha1_block> k{};
  if (key.size() > sha1_block) {
    SHA_CTX c;
    SHA1_Init(&c);
    SHA1_Update(&c, key.data(), key.size());
    SHA1_Final(k.data(), &c);
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<std::uint8_t, sha1_block> pad;
  for (std::size_t i = 0; i < sha1_block; ++i) pad[i] = k[i] ^ 0x36;
  SHA1_Init(&inner_);
  SHA1_Update(&inner_, pad.data(), pad.size());
  for (std::size_t i = 0; i < sha1_block; ++i) pad[i] = k[i] ^ 0x5c;
  SHA1_Init(&outer_);
  SHA1_Update(&outer_, pad.data(), pad.size());
  OPENSSL_cleanse(k.data(), k.size());
  OPENSSL_cleanse(pad.data(), pad.size());
}

void hmac_sha1::compute(std::span<std::uint8_t const> message, std::span<std::uint8_t const> tail,
                        std::array<std::uint8_t, length>& out) const noexcept {
  SHA_CTX c = inner_;
  SHA1_Update(&c, message.data(), message.size());
  SHA1_Update(&c, tail.data(), tail.size());
  std::array<std::uint8_t, length> inner_hash;
  SHA1_Final(inner_hash.data(), &c);
  c = outer_;
  SHA1_Update(&c, inner_hash.data(), inner_hash.size());
  SHA1_Final(out.data(), &c);
}

}  // namespace gatehouse::media::srtp_crypto
