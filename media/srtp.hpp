#pragma once

// SRTP and SRTCP (RFC 3711, RFC 7714) on OpenSSL 3's libcrypto, keyed by SDES (RFC 4568). A
// srtp_context is one direction of one media stream: the relay holds an inbound context per side
// it receives SRTP from and an outbound context per side it sends SRTP to. Packets are
// transformed in place in the caller's buffer, with no allocation and no lock per packet: every
// OpenSSL context and the per-SSRC state are made once, by srtp_context::make.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace gatehouse::media {

/// What can go wrong with SDES keys and SRTP contexts and packets.
enum class srtp_errc {
  unknown_suite = 1,  ///< a crypto-suite name gatehouse does not support
  bad_key_params,     ///< key-params not of the form inline:<key||salt>[|lifetime][|MKI:length]
  bad_base64,         ///< the inline key is not valid base64
  wrong_key_length,   ///< the decoded key||salt is not the suite's length
  bad_lifetime,       ///< the key lifetime is not a number or 2^n
  bad_mki,            ///< the MKI is not <value>:<length> with length 1..128 and a value that fits
  multiple_keys,      ///< more than one key-params (';'): not supported
  init_failed,        ///< OpenSSL's libcrypto could not be initialised
  create_failed,      ///< the session keys or cipher contexts could not be made (OpenSSL failed)
  no_context,         ///< the context holds no session (default-constructed or moved from)
  wrong_direction,    ///< protect on an inbound context, or unprotect on an outbound one
  buffer_too_small,   ///< capacity is less than length + srtp_max_trailer
  malformed_packet,   ///< not an RTP/RTCP packet SRTP can process (header or length)
  auth_failed,        ///< authentication tag did not verify (RFC 3711 §3.3 step 5)
  replayed,           ///< packet index already seen (RFC 3711 §3.3.2)
  too_old,            ///< packet index behind the replay window (RFC 3711 §3.3.2)
  mki_mismatch,       ///< the packet's MKI is not the key's
  key_expired,        ///< the master key reached its packet or index limit (RFC 3711 §9.2)
  srtp_failed,        ///< any other failure of the crypto library
};

/// The category of gatehouse::media::srtp_errc.
std::error_category const& srtp_error_category() noexcept;

/// Makes an error_code from an srtp_errc (found by ADL).
std::error_code make_error_code(srtp_errc e) noexcept;

/// The SDES crypto-suites gatehouse supports (RFC 4568 §6.2, RFC 7714 §14.2).
enum class srtp_suite {
  aes_cm_128_hmac_sha1_80,  ///< RFC 4568 §6.2.1
  aes_cm_128_hmac_sha1_32,  ///< RFC 4568 §6.2.2 (SRTCP still uses an 80-bit tag)
  aead_aes_128_gcm,         ///< RFC 7714 §14.2, 16-octet tag
  aead_aes_256_gcm,         ///< RFC 7714 §14.2, 16-octet tag
};

/// Every supported suite, strongest first.
inline constexpr srtp_suite all_srtp_suites[] = {
    srtp_suite::aead_aes_256_gcm, srtp_suite::aead_aes_128_gcm, srtp_suite::aes_cm_128_hmac_sha1_80,
    srtp_suite::aes_cm_128_hmac_sha1_32};

/// The suite's SDES name, e.g. "AES_CM_128_HMAC_SHA1_80".
std::string_view to_string(srtp_suite s) noexcept;

/// The suite an SDES name stands for (ABNF literals: case-insensitive). Error:
/// srtp_errc::unknown_suite.
std::error_code parse_suite(std::string_view name, srtp_suite& out) noexcept;

/// Master key length in octets: 16, 16, 16, 32.
std::size_t master_key_length(srtp_suite s) noexcept;

/// Master salt length in octets: 14, 14, 12, 12.
std::size_t master_salt_length(srtp_suite s) noexcept;

/// Octets an SRTP packet is longer than its RTP packet: the tag (10, 4, 16, 16) plus any MKI.
std::size_t srtp_overhead(srtp_suite s, std::size_t mki_length = 0) noexcept;

/// Octets an SRTCP packet is longer than its RTCP packet: E flag and index, tag, MKI
/// (RFC 3711 §3.4).
std::size_t srtcp_overhead(srtp_suite s, std::size_t mki_length = 0) noexcept;

/// Room a buffer must have after a packet for protect_rtp/protect_rtcp: a tag, the largest MKI
/// and the SRTCP index, whatever the suite.
inline constexpr std::size_t srtp_max_trailer = 16 + 128 + 4;

/// A master key and salt with its suite, as exchanged in an SDES a=crypto line.
struct srtp_key {
  srtp_suite suite = srtp_suite::aes_cm_128_hmac_sha1_80;  ///< the crypto-suite
  std::vector<std::uint8_t> key_salt;                      ///< master key followed by master salt
  std::uint64_t mki = 0;                                   ///< MKI value, when mki_length > 0
  std::uint8_t mki_length = 0;  ///< MKI octets in each packet; 0: no MKI (RFC 4568 §6.1)

  /// A fresh random key and salt for `suite` (OpenSSL RAND_bytes); aborts if the system's
  /// random generator fails, since no safe key can then be made.
  static srtp_key generate(srtp_suite suite);

  /// The SDES key-params: "inline:" + base64(key||salt), then "|<mki>:<length>" if it has one.
  std::string inline_key() const;

  friend bool operator==(srtp_key const&, srtp_key const&) = default;
};

/// Parses SDES key-params for `suite`: "inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>]"
/// (RFC 4568 §6.1, §9.2). The lifetime (decimal or 2^n) is checked and ignored: srtp_context
/// applies RFC 3711 §9.2's limits itself. Padded and unpadded base64 are both accepted. Errors:
/// srtp_errc::bad_key_params, bad_base64, wrong_key_length, bad_lifetime, bad_mki, multiple_keys.
std::error_code parse_key_params(srtp_suite suite, std::string_view key_params, srtp_key& out);

/// Which way a context transforms packets.
enum class srtp_direction {
  inbound,   ///< unprotect: SRTP from a peer to plain RTP
  outbound,  ///< protect: plain RTP to SRTP for a peer
};

/// One SRTP session for one direction, keyed once, serving any SSRC. Each SSRC seen has its own
/// cryptographic context (RFC 3711 §3.2.3): rollover counter and replay window of
/// srtp_replay_window packets for SRTP, replay window of srtcp_replay_window (inbound) or SRTCP
/// index (outbound) for SRTCP. They live in a table of max_ssrcs entries made with the context;
/// a new SSRC beyond that replaces the least recently used one, and an SSRC replaced that comes
/// back starts over at rollover counter 0 (so a stream that had wrapped its sequence number no
/// longer authenticates, and on an outbound context its SRTP indices may repeat). Outbound SRTCP
/// indices never repeat: after a replacement, new SSRCs start above every index sent so far.
/// Move-only. Not thread-safe: one worker owns it. All packet functions work in place; on error
/// the buffer may have been modified and must be dropped.
class srtp_context {
 public:
  /// Replay window for SRTP (RFC 3711 §3.3.2); the relay sees reordering.
  static constexpr std::size_t srtp_replay_window = 1024;
  /// Replay window for SRTCP (RFC 3711 §3.3.2), as libsrtp's.
  static constexpr std::size_t srtcp_replay_window = 128;
  /// SSRCs a context keeps state for at once; see the class comment.
  static constexpr std::size_t max_ssrcs = 16;

  /// An empty context: every packet call fails with srtp_errc::no_context.
  srtp_context() noexcept;
  /// Frees the session, wiping its keys.
  ~srtp_context();
  /// Takes the session of `other`, leaving it empty.
  srtp_context(srtp_context&& other) noexcept;
  /// Frees this session and takes the one of `other`.
  srtp_context& operator=(srtp_context&& other) noexcept;
  srtp_context(srtp_context const&) = delete;
  srtp_context& operator=(srtp_context const&) = delete;

  /// Creates the session for `key` in `direction`: derives the session keys (RFC 3711 §4.3),
  /// makes the OpenSSL contexts and the SSRC table. The only allocations an srtp_context makes.
  /// Errors: srtp_errc::wrong_key_length, bad_mki, init_failed, create_failed.
  static std::error_code make(srtp_key const& key, srtp_direction direction, srtp_context& out);

  /// True when the context holds a session.
  bool is_open() const noexcept { return session_ != nullptr; }
  /// The suite it was made with.
  srtp_suite suite() const noexcept { return suite_; }
  /// The direction it was made for.
  srtp_direction direction() const noexcept { return direction_; }

  /// RTP to SRTP in place; `length` grows by srtp_overhead. Needs capacity >= length +
  /// srtp_max_trailer. Errors: no_context, wrong_direction, buffer_too_small, malformed_packet,
  /// replayed (same index protected twice: keystream reuse, RFC 3711 §9.1), too_old (behind the
  /// replay window), key_expired, srtp_failed.
  std::error_code protect_rtp(std::uint8_t* packet, std::size_t& length,
                              std::size_t capacity) noexcept;

  /// SRTP to RTP in place; `length` shrinks. Errors: no_context, wrong_direction,
  /// buffer_too_small (capacity < length), malformed_packet, auth_failed, replayed, too_old,
  /// mki_mismatch, key_expired, srtp_failed.
  std::error_code unprotect_rtp(std::uint8_t* packet, std::size_t& length,
                                std::size_t capacity) noexcept;

  /// RTCP to SRTCP in place; as protect_rtp, `length` grows by srtcp_overhead. Errors:
  /// no_context, wrong_direction, buffer_too_small, malformed_packet, key_expired (2^31 SRTCP
  /// indices used), srtp_failed.
  std::error_code protect_rtcp(std::uint8_t* packet, std::size_t& length,
                               std::size_t capacity) noexcept;

  /// SRTCP to RTCP in place; as unprotect_rtp. Authentication-only SRTCP (E flag clear) is
  /// accepted and left as it is.
  std::error_code unprotect_rtcp(std::uint8_t* packet, std::size_t& length,
                                 std::size_t capacity) noexcept;

 private:
  struct session;  // keys, OpenSSL contexts and the SSRC table (srtp.cpp)

  std::error_code check(srtp_direction wanted, std::size_t length, std::size_t capacity,
                        std::size_t room) const noexcept;

  std::unique_ptr<session> session_;
  srtp_suite suite_ = srtp_suite::aes_cm_128_hmac_sha1_80;
  srtp_direction direction_ = srtp_direction::inbound;
};

}  // namespace gatehouse::media

template <>
struct std::is_error_code_enum<gatehouse::media::srtp_errc> : std::true_type {};
