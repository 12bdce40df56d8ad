#pragma once

// The cryptographic transforms under SRTP and SRTCP, on OpenSSL 3's libcrypto: the AES-CM key
// derivation (RFC 3711 §4.3), AES in counter mode (RFC 3711 §4.1.1), HMAC-SHA1 (RFC 3711 §4.2.1)
// and AES-GCM (RFC 7714). Each object is keyed once, when a srtp_context is made; the
// per-packet calls re-use that state and neither allocate nor lock. Not thread-safe: one worker
// owns each object.

#include <openssl/sha.h>    // SHA_CTX, which hmac_sha1 holds by value
#include <openssl/types.h>  // EVP_CIPHER_CTX

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace gatehouse::media::srtp_crypto {

/// Key derivation labels (RFC 3711 §4.3.1, §4.3.2).
enum class label : std::uint8_t {
  rtp_encryption = 0x00,
  rtp_authentication = 0x01,
  rtp_salt = 0x02,
  rtcp_encryption = 0x03,
  rtcp_authentication = 0x04,
  rtcp_salt = 0x05,
};

/// Fills `out` with the session key or salt for `l`: the AES-CM PRF of RFC 3711 §4.3.3 keyed
/// with the master key (16 octets: AES-128; 32: AES-256, RFC 6188 §7), key derivation rate 0
/// (§4.3.1). A 12-octet master salt (RFC 7714 §11) is zero-padded to 14 octets, as libsrtp does.
/// False when a length is not one of those or OpenSSL fails.
bool derive(std::span<std::uint8_t const> master_key, std::span<std::uint8_t const> master_salt,
            label l, std::span<std::uint8_t> out) noexcept;

/// The AES-CM counter block (RFC 3711 §4.1.1): (salt * 2^16) XOR (SSRC * 2^64) XOR
/// (index * 2^16), with the 48-bit SRTP index or the 31-bit SRTCP index.
std::array<std::uint8_t, 16> aes_cm_iv(std::span<std::uint8_t const, 14> salt, std::uint32_t ssrc,
                                       std::uint64_t index) noexcept;

/// The AES-GCM IV (RFC 7714 §8.1 and §9.1): (0x0000 || SSRC || index as 48 bits) XOR salt, where
/// the index is ROC || SEQ for SRTP and 0x0000 || 0 || SRTCP index for SRTCP.
std::array<std::uint8_t, 12> aes_gcm_iv(std::span<std::uint8_t const, 12> salt, std::uint32_t ssrc,
                                        std::uint64_t index) noexcept;

/// Frees an EVP_CIPHER_CTX.
struct cipher_ctx_deleter {
  void operator()(EVP_CIPHER_CTX* ctx) const noexcept;
};

/// An owned EVP_CIPHER_CTX.
using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, cipher_ctx_deleter>;

/// AES in counter mode with a 16-octet counter block incremented as one big-endian integer
/// (RFC 3711 §4.1.1). The EVP context is made and keyed by init(); apply() only sets the counter.
class aes_ctr {
 public:
  /// Keys it with a 16- or 32-octet key. False when the length is wrong or OpenSSL fails.
  bool init(std::span<std::uint8_t const> key) noexcept;

  /// XORs `n` octets at `data` in place with the keystream from counter block `iv`. False when
  /// not initialised, n > INT_MAX, or OpenSSL fails.
  bool apply(std::array<std::uint8_t, 16> const& iv, std::uint8_t* data, std::size_t n) noexcept;

 private:
  cipher_ctx ctx_;
};

/// AES-GCM with a 12-octet IV and a 16-octet tag (RFC 7714 §5). One object seals and opens.
class aes_gcm {
 public:
  /// Octets of the authentication tag (RFC 7714 §14.2: AEAD_AES_*_GCM use 16).
  static constexpr std::size_t tag_length = 16;

  /// Keys it with a 16- or 32-octet key. False when the length is wrong or OpenSSL fails.
  bool init(std::span<std::uint8_t const> key) noexcept;

  /// Encrypts `n` octets at `data` in place and writes the tag to `tag`. The associated data is
  /// `aad` followed by `aad_tail`. False when not initialised, a length exceeds INT_MAX, or
  /// OpenSSL fails.
  bool seal(std::array<std::uint8_t, 12> const& iv, std::span<std::uint8_t const> aad,
            std::span<std::uint8_t const> aad_tail, std::uint8_t* data, std::size_t n,
            std::uint8_t* tag) noexcept;

  /// Decrypts `n` octets at `data` in place and checks `tag` over them and the associated data.
  /// False when the tag does not verify (the buffer then holds garbage), or as seal().
  bool open(std::array<std::uint8_t, 12> const& iv, std::span<std::uint8_t const> aad,
            std::span<std::uint8_t const> aad_tail, std::uint8_t* data, std::size_t n,
            std::uint8_t const* tag) noexcept;

 private:
  cipher_ctx ctx_;
};

/// HMAC-SHA1 (RFC 2104) with the key's inner and outer pads hashed once by init(); compute()
/// copies those two SHA-1 states and hashes only the message. This uses OpenSSL's low-level
/// SHA-1, because on OpenSSL 3.0 every way to restart a keyed EVP hash (EVP_MAC_init,
/// HMAC_Init_ex, EVP_DigestInit_ex, EVP_MD_CTX_copy_ex) frees and re-creates the provider's
/// context, which allocates on every packet.
class hmac_sha1 {
 public:
  /// Octets of an HMAC-SHA1 output.
  static constexpr std::size_t length = 20;

  hmac_sha1() = default;
  /// Wipes the key-equivalent SHA-1 states.
  ~hmac_sha1();
  hmac_sha1(hmac_sha1 const&) = delete;
  hmac_sha1& operator=(hmac_sha1 const&) = delete;

  /// Keys it (keys longer than a SHA-1 block are hashed first, RFC 2104 §2).
  void init(std::span<std::uint8_t const> key) noexcept;

  /// HMAC over `message` followed by `tail`.
  void compute(std::span<std::uint8_t const> message, std::span<std::uint8_t const> tail,
               std::array<std::uint8_t, length>& out) const noexcept;

 private:
  SHA_CTX inner_{};
  SHA_CTX outer_{};
};

}  // namespace gatehouse::media::srtp_crypto
