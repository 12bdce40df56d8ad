#include "media/srtp.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <new>
#include <utility>

#include "media/rtp.hpp"
#include "media/srtp_crypto.hpp"

namespace gatehouse::media {
namespace {

using srtp_crypto::aes_gcm;
using srtp_crypto::hmac_sha1;

constexpr std::size_t max_mki_length = 128;  // RFC 4568 §9.2: 1..128

// The largest tag (RFC 7714's 16 octets), the largest MKI and the SRTCP E flag and index.
static_assert(srtp_max_trailer == aes_gcm::tag_length + max_mki_length + 4);

class srtp_category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.srtp"; }

  std::string message(int ev) const override {
    switch (static_cast<srtp_errc>(ev)) {
      case srtp_errc::unknown_suite:
        return "unsupported SRTP crypto-suite";
      case srtp_errc::bad_key_params:
        return "SDES key-params not of the form inline:<key>[|lifetime][|MKI:length]";
      case srtp_errc::bad_base64:
        return "SDES inline key is not valid base64";
      case srtp_errc::wrong_key_length:
        return "SDES key and salt have the wrong length for the crypto-suite";
      case srtp_errc::bad_lifetime:
        return "bad SDES key lifetime";
      case srtp_errc::bad_mki:
        return "bad SDES MKI";
      case srtp_errc::multiple_keys:
        return "more than one SDES key-params";
      case srtp_errc::init_failed:
        return "OpenSSL initialisation failed";
      case srtp_errc::create_failed:
        return "could not create the SRTP session keys and ciphers";
      case srtp_errc::no_context:
        return "no SRTP session";
      case srtp_errc::wrong_direction:
        return "SRTP context used in the wrong direction";
      case srtp_errc::buffer_too_small:
        return "buffer too small for the SRTP trailer";
      case srtp_errc::malformed_packet:
        return "malformed RTP/RTCP packet";
      case srtp_errc::auth_failed:
        return "SRTP authentication failed";
      case srtp_errc::replayed:
        return "SRTP packet replayed";
      case srtp_errc::too_old:
        return "SRTP packet behind the replay window";
      case srtp_errc::mki_mismatch:
        return "SRTP packet has an unknown MKI";
      case srtp_errc::key_expired:
        return "SRTP master key expired";
      case srtp_errc::srtp_failed:
        return "SRTP cipher failure";
    }
    return "unknown SRTP error";
  }
};

struct suite_info {
  srtp_suite suite;
  std::string_view name;
  std::size_t key_length;
  std::size_t salt_length;
  std::size_t rtp_tag;
  std::size_t rtcp_tag;
  bool aead;  // AES-GCM (RFC 7714) rather than AES-CM with HMAC-SHA1 (RFC 3711)
};

// RFC 4568 §6.2.1-2 (the _32 suite keeps an 80-bit SRTCP tag: RFC 3711 §5.2 forbids shorter
// ones for SRTCP); RFC 7714: 12-octet salts and 16-octet tags.
constexpr std::array<suite_info, 4> suites{{
    {srtp_suite::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 10, false},
    {srtp_suite::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 10, false},
    {srtp_suite::aead_aes_128_gcm, "AEAD_AES_128_GCM", 16, 12, 16, 16, true},
    {srtp_suite::aead_aes_256_gcm, "AEAD_AES_256_GCM", 32, 12, 16, 16, true},
}};

suite_info const& info(srtp_suite s) noexcept {
  for (auto const& i : suites) {
    if (i.suite == s) return i;
  }
  return suites[0];
}

// RFC 4648 §4 (RFC 4568 §9.2 cites its predecessor, RFC 3548).
constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string base64_encode(std::vector<std::uint8_t> const& in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t const v =
        (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += base64_alphabet[(v >> 18) & 63];
    out += base64_alphabet[(v >> 12) & 63];
    out += base64_alphabet[(v >> 6) & 63];
    out += base64_alphabet[v & 63];
  }
  if (std::size_t const rest = in.size() - i; rest > 0) {
    std::uint32_t v = std::uint32_t{in[i]} << 16;
    if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
    out += base64_alphabet[(v >> 18) & 63];
    out += base64_alphabet[(v >> 12) & 63];
    out += rest == 2 ? base64_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Decodes padded or unpadded base64; false on any character outside the alphabet, misplaced or
// excess '=', or a length no encoding has.
bool base64_decode(std::string_view in, std::vector<std::uint8_t>& out) {
  if (in.size() % 4 == 0 && !in.empty()) {
    std::size_t pad = 0;
    while (pad < 2 && in.size() > pad && in[in.size() - 1 - pad] == '=') ++pad;
    in.remove_suffix(pad);
  }
  if (in.size() % 4 == 1 || in.empty()) return false;
  out.clear();
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char const c : in) {
    int const v = base64_value(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  return true;
}

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char const c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Decimal digits into a uint64; false when empty, not digits or too large.
bool parse_u64(std::string_view s, std::uint64_t& out) noexcept {
  if (!all_digits(s)) return false;
  std::uint64_t v = 0;
  for (char const c : s) {
    auto const d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// RFC 4568 §9.2: lifetime = ["2^"] 1*(DIGIT).
bool valid_lifetime(std::string_view s) noexcept {
  std::uint64_t v = 0;
  if (s.starts_with("2^")) return parse_u64(s.substr(2), v) && v >= 1 && v <= 64;
  return parse_u64(s, v) && v > 0;
}

// RFC 4568 §9.2: mki = mki-value ":" mki-length, mki-length 1..128. The value must fit the
// length (and, here, 64 bits).
bool parse_mki(std::string_view s, std::uint64_t& value, std::uint8_t& length) noexcept {
  auto const colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t v = 0;
  std::uint64_t n = 0;
  if (!parse_u64(s.substr(0, colon), v) || !parse_u64(s.substr(colon + 1), n)) return false;
  if (n < 1 || n > max_mki_length || s.size() - colon - 1 > 3) return false;
  if (n < 8 && v >> (8 * n) != 0) return false;
  value = v;
  length = static_cast<std::uint8_t>(n);
  return true;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 3711 §3.4: SRTCP leaves the first 8 octets (header and sender SSRC) in the clear.
constexpr std::size_t rtcp_clear_header = 8;

// RFC 3711 §3.4: the E flag and the 31-bit SRTCP index follow the encrypted portion.
constexpr std::size_t srtcp_index_size = 4;
constexpr std::uint32_t srtcp_e_flag = 0x80000000u;
constexpr std::uint32_t srtcp_max_index = 0x7fffffffu;

// RFC 3711 §3.3.1: the SRTP index is a 32-bit ROC and a 16-bit SEQ.
constexpr std::uint64_t srtp_index_limit = std::uint64_t{1} << 48;

// RFC 3711 §9.2: at most 2^48 SRTP and 2^31 SRTCP packets under one master key.
constexpr std::uint64_t srtp_packet_limit = std::uint64_t{1} << 48;
constexpr std::uint64_t srtcp_packet_limit = std::uint64_t{1} << 31;

std::uint32_t load32(std::uint8_t const* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

std::array<std::uint8_t, 4> big_endian(std::uint32_t v) noexcept {
  return {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// RFC 3711 §3.3.1 and Appendix A: the index of sequence number `seq`, given the highest index
// accepted so far, with the ROC guessed as the one that puts it nearest. A guess of ROC - 1
// while ROC is 0 becomes ROC 0, as in libsrtp: there is no index before the stream's first.
std::uint64_t estimate_index(std::uint64_t highest, std::uint16_t seq) noexcept {
  std::uint64_t const roc = highest >> 16;
  std::uint64_t const s_l = highest & 0xffff;
  std::uint64_t v = roc;
  if (s_l < 32768) {
    if (seq > s_l + 32768 && roc > 0) v = roc - 1;
  } else if (s_l - 32768 > seq) {
    v = roc + 1;
  }
  return (v << 16) | seq;
}

// RFC 3711 §3.3.2: which of the last N indices up to the highest accepted have been seen, as a
// ring of N bits addressed by index mod N. Fixed size: checking and accepting never allocate.
template <std::size_t N>
class replay_window {
  static_assert(N % 64 == 0);

 public:
  /// True once an index was accepted.
  bool has_any() const noexcept { return has_any_; }
  /// The highest index accepted.
  std::uint64_t highest() const noexcept { return highest_; }

  /// Whether `index` may be accepted: replayed if seen, too_old if behind the window.
  std::error_code check(std::uint64_t index) const noexcept {
    if (!has_any_ || index > highest_) return {};
    if (highest_ - index >= N) return srtp_errc::too_old;
    if (test(index)) return srtp_errc::replayed;
    return {};
  }

  /// Records `index`, which check() allowed, sliding the window forward if it is the newest.
  void accept(std::uint64_t index) noexcept {
    if (!has_any_ || (index > highest_ && index - highest_ >= N)) {
      bits_.fill(0);
      highest_ = index;
    } else if (index > highest_) {
      // The slots of the indices now entering the window held ones now leaving it.
      for (std::uint64_t i = highest_ + 1; i <= index; ++i) clear(i);
      highest_ = index;
    }
    has_any_ = true;
    bits_[(index % N) / 64] |= std::uint64_t{1} << (index % 64);
  }

 private:
  bool test(std::uint64_t i) const noexcept { return (bits_[(i % N) / 64] >> (i % 64)) & 1; }
  void clear(std::uint64_t i) noexcept { bits_[(i % N) / 64] &= ~(std::uint64_t{1} << (i % 64)); }

  std::array<std::uint64_t, N / 64> bits_{};
  std::uint64_t highest_ = 0;
  bool has_any_ = false;
};

// One SSRC's cryptographic context (RFC 3711 §3.2.3) within a session.
struct ssrc_state {
  std::uint32_t ssrc = 0;
  bool in_use = false;
  std::uint64_t last_used = 0;  // the session's clock when it last passed a packet
  replay_window<srtp_context::srtp_replay_window> rtp;    // highest(): ROC << 16 | s_l
  replay_window<srtp_context::srtcp_replay_window> rtcp;  // inbound
  std::uint32_t srtcp_sent = 0;                           // outbound: the last SRTCP index used
};

}  // namespace

std::error_category const& srtp_error_category() noexcept {
  static srtp_category const instance;
  return instance;
}

std::error_code make_error_code(srtp_errc e) noexcept {
  return {static_cast<int>(e), srtp_error_category()};
}

std::string_view to_string(srtp_suite s) noexcept {
  return info(s).name;
}

// RFC 4568 §9.2 names the suites with ABNF literals, which are case-insensitive (RFC 5234 §2.3).
std::error_code parse_suite(std::string_view name, srtp_suite& out) noexcept {
  for (auto const& i : suites) {
    if (iequals(i.name, name)) {
      out = i.suite;
      return {};
    }
  }
  return srtp_errc::unknown_suite;
}

std::size_t master_key_length(srtp_suite s) noexcept {
  return info(s).key_length;
}

std::size_t master_salt_length(srtp_suite s) noexcept {
  return info(s).salt_length;
}

std::size_t srtp_overhead(srtp_suite s, std::size_t mki_length) noexcept {
  return info(s).rtp_tag + mki_length;
}

std::size_t srtcp_overhead(srtp_suite s, std::size_t mki_length) noexcept {
  return 4 + info(s).rtcp_tag + mki_length;
}

srtp_key srtp_key::generate(srtp_suite suite) {
  srtp_key k;
  k.suite = suite;
  k.key_salt.resize(master_key_length(suite) + master_salt_length(suite));
  if (RAND_bytes(k.key_salt.data(), static_cast<int>(k.key_salt.size())) != 1) std::abort();
  return k;
}

std::string srtp_key::inline_key() const {
  std::string out = "inline:" + base64_encode(key_salt);
  if (mki_length > 0) {
    out += '|';
    out += std::to_string(mki);
    out += ':';
    out += std::to_string(mki_length);
  }
  return out;
}

// RFC 4568 §9.2: key-param = key-method ":" key-info; key-info = key-salt ["|" lifetime]
// ["|" mki].
std::error_code parse_key_params(srtp_suite suite, std::string_view key_params, srtp_key& out) {
  if (key_params.find(';') != std::string_view::npos) return srtp_errc::multiple_keys;
  constexpr std::string_view method = "inline:";
  // ABNF literals are case-insensitive (RFC 5234 §2.3).
  if (key_params.size() < method.size() || !iequals(key_params.substr(0, method.size()), method))
    return srtp_errc::bad_key_params;
  std::string_view rest = key_params.substr(method.size());

  std::string_view parts[3];
  std::size_t n = 0;
  while (true) {
    if (n == 3) return srtp_errc::bad_key_params;
    auto const bar = rest.find('|');
    parts[n++] = rest.substr(0, bar);
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (parts[i].empty()) return srtp_errc::bad_key_params;
  }

  srtp_key k;
  k.suite = suite;
  bool have_mki = false;
  for (std::size_t i = 1; i < n; ++i) {
    bool const is_mki = parts[i].find(':') != std::string_view::npos;
    if (is_mki) {
      if (have_mki) return srtp_errc::bad_key_params;
      if (!parse_mki(parts[i], k.mki, k.mki_length)) return srtp_errc::bad_mki;
      have_mki = true;
    } else {
      // The lifetime comes before the MKI, and only once.
      if (have_mki || i == 2) return srtp_errc::bad_key_params;
      if (!valid_lifetime(parts[i])) return srtp_errc::bad_lifetime;
    }
  }

  if (!base64_decode(parts[0], k.key_salt)) return srtp_errc::bad_base64;
  if (k.key_salt.size() != master_key_length(suite) + master_salt_length(suite))
    return srtp_errc::wrong_key_length;
  out = std::move(k);
  return {};
}

// Everything a context owns, made once by make(). The per-SSRC table is a fixed array searched
// linearly (16 entries; the last one used is tried first), replacing its least recently used
// entry when full: no allocation and no lock per packet.
struct srtp_context::session {
  bool aead = false;
  srtp_crypto::aes_ctr rtp_ctr, rtcp_ctr;                // AES-CM suites
  hmac_sha1 rtp_auth, rtcp_auth;                         // AES-CM suites
  aes_gcm rtp_gcm, rtcp_gcm;                             // AEAD suites
  std::array<std::uint8_t, 14> rtp_salt{}, rtcp_salt{};  // session salts; AEAD uses 12 octets
  std::array<std::uint8_t, max_mki_length> mki{};        // the MKI as sent (RFC 4568 §6.1)
  std::size_t mki_length = 0;
  std::size_t rtp_tag = 0;
  std::size_t rtcp_tag = 0;
  std::size_t rtp_trailer = 0;   // tag + MKI
  std::size_t rtcp_trailer = 0;  // E|index + tag + MKI

  std::array<ssrc_state, max_ssrcs> ssrcs{};
  std::size_t last = 0;     // the entry of the last packet
  std::uint64_t clock = 0;  // counts packets passed, for least-recently-used replacement
  std::uint64_t srtp_packets = 0;
  std::uint64_t srtcp_packets = 0;
  std::uint32_t srtcp_floor = 0;  // outbound: new SSRCs' SRTCP indices start above it

  session() = default;
  session(session const&) = delete;
  session& operator=(session const&) = delete;
  ~session() {
    OPENSSL_cleanse(rtp_salt.data(), rtp_salt.size());
    OPENSSL_cleanse(rtcp_salt.data(), rtcp_salt.size());
  }

  std::span<std::uint8_t const, 12> rtp_aead_salt() const noexcept {
    return std::span<std::uint8_t const, 12>(rtp_salt.data(), 12);
  }
  std::span<std::uint8_t const, 12> rtcp_aead_salt() const noexcept {
    return std::span<std::uint8_t const, 12>(rtcp_salt.data(), 12);
  }

  // RFC 3711 §4.3: the session keys and salts of SRTP and SRTCP from the master key and salt.
  bool derive_keys(std::span<std::uint8_t const> master_key,
                   std::span<std::uint8_t const> master_salt) noexcept {
    using srtp_crypto::label;
    // Session keys as long as the master key and salts as long as the master salt (RFC 3711
    // §5.1: 128 and 112 bits; RFC 7714 §14.2: 128 or 256 and 96 bits); the authentication key
    // is 160 bits (RFC 3711 §5.2).
    std::array<std::uint8_t, 32> key_buffer{};
    std::array<std::uint8_t, hmac_sha1::length> auth_key{};
    auto const key = std::span(key_buffer).first(master_key.size());
    auto const derive = [&](label l, std::span<std::uint8_t> out) {
      return srtp_crypto::derive(master_key, master_salt, l, out);
    };
    bool const ok =
        derive(label::rtp_encryption, key) && (aead ? rtp_gcm.init(key) : rtp_ctr.init(key)) &&
        derive(label::rtp_salt, std::span(rtp_salt).first(master_salt.size())) &&
        (aead ||
         (derive(label::rtp_authentication, auth_key) && (rtp_auth.init(auth_key), true))) &&
        derive(label::rtcp_encryption, key) && (aead ? rtcp_gcm.init(key) : rtcp_ctr.init(key)) &&
        derive(label::rtcp_salt, std::span(rtcp_salt).first(master_salt.size())) &&
        (aead ||
         (derive(label::rtcp_authentication, auth_key) && (rtcp_auth.init(auth_key), true)));
    OPENSSL_cleanse(key_buffer.data(), key_buffer.size());
    OPENSSL_cleanse(auth_key.data(), auth_key.size());
    return ok;
  }

  ssrc_state* find(std::uint32_t ssrc) noexcept {
    if (ssrcs[last].in_use && ssrcs[last].ssrc == ssrc) return &ssrcs[last];
    for (auto& e : ssrcs) {
      if (e.in_use && e.ssrc == ssrc) return &e;
    }
    return nullptr;
  }

  // The entry for a new SSRC: a free one, else the least recently used one, reset.
  ssrc_state& claim(std::uint32_t ssrc) noexcept {
    ssrc_state* victim = &ssrcs[0];
    for (auto& e : ssrcs) {
      if (!e.in_use) {
        victim = &e;
        break;
      }
      if (e.last_used < victim->last_used) victim = &e;
    }
    // Should the SSRC replaced come back, its SRTCP indices must not repeat (RFC 3711 §9.1).
    if (victim->in_use) srtcp_floor = std::max(srtcp_floor, victim->srtcp_sent);
    *victim = ssrc_state{};
    victim->in_use = true;
    victim->ssrc = ssrc;
    return *victim;
  }

  // Records that the entry passed a packet.
  void touch(ssrc_state& e) noexcept {
    e.last_used = ++clock;
    last = static_cast<std::size_t>(&e - ssrcs.data());
  }

  // RFC 3711 §3.3.1-2: the index of an SRTP packet and whether the window allows it.
  std::error_code rtp_index(ssrc_state const* e, std::uint16_t seq,
                            std::uint64_t& index) const noexcept {
    index = e != nullptr && e->rtp.has_any() ? estimate_index(e->rtp.highest(), seq) : seq;
    if (index >= srtp_index_limit || srtp_packets >= srtp_packet_limit)
      return srtp_errc::key_expired;
    return e != nullptr ? e->rtp.check(index) : std::error_code{};
  }

  void accept_rtp(ssrc_state* e, std::uint32_t ssrc, std::uint64_t index) noexcept {
    ssrc_state& s = e != nullptr ? *e : claim(ssrc);
    s.rtp.accept(index);
    touch(s);
    ++srtp_packets;
  }

  // RFC 3711 §4.2: HMAC-SHA1 over the authenticated portion and the ROC.
  void rtp_mac(std::uint8_t const* packet, std::size_t end, std::uint64_t index,
               std::array<std::uint8_t, hmac_sha1::length>& mac) const noexcept {
    auto const roc = big_endian(static_cast<std::uint32_t>(index >> 16));
    rtp_auth.compute({packet, end}, roc, mac);
  }
};

srtp_context::srtp_context() noexcept = default;
srtp_context::~srtp_context() = default;
srtp_context::srtp_context(srtp_context&& other) noexcept = default;
srtp_context& srtp_context::operator=(srtp_context&& other) noexcept = default;

std::error_code srtp_context::make(srtp_key const& key, srtp_direction direction,
                                   srtp_context& out) {
  suite_info const& suite = info(key.suite);
  if (key.key_salt.size() != suite.key_length + suite.salt_length)
    return srtp_errc::wrong_key_length;
  if (key.mki_length > max_mki_length ||
      (key.mki_length > 0 && key.mki_length < 8 && key.mki >> (8 * key.mki_length) != 0))
    return srtp_errc::bad_mki;
  if (OPENSSL_init_crypto(0, nullptr) != 1) return srtp_errc::init_failed;

  std::unique_ptr<session> s(new (std::nothrow) session);
  if (!s) return srtp_errc::create_failed;
  s->aead = suite.aead;
  std::span<std::uint8_t const> const key_salt(key.key_salt);
  if (!s->derive_keys(key_salt.first(suite.key_length), key_salt.subspan(suite.key_length)))
    return srtp_errc::create_failed;
  // RFC 4568 §6.1: the MKI value as an integer of mki_length octets, in network byte order.
  s->mki_length = key.mki_length;
  std::uint64_t v = key.mki;
  for (std::size_t i = key.mki_length; i-- > 0 && v != 0; v >>= 8) {
    s->mki[i] = static_cast<std::uint8_t>(v & 0xff);
  }
  s->rtp_tag = suite.rtp_tag;
  s->rtcp_tag = suite.rtcp_tag;
  s->rtp_trailer = srtp_overhead(key.suite, key.mki_length);
  s->rtcp_trailer = srtcp_overhead(key.suite, key.mki_length);

  srtp_context ctx;
  ctx.session_ = std::move(s);
  ctx.suite_ = key.suite;
  ctx.direction_ = direction;
  out = std::move(ctx);
  return {};
}

std::error_code srtp_context::check(srtp_direction wanted, std::size_t length, std::size_t capacity,
                                    std::size_t room) const noexcept {
  if (session_ == nullptr) return srtp_errc::no_context;
  if (direction_ != wanted) return srtp_errc::wrong_direction;
  if (length > capacity || capacity - length < room) return srtp_errc::buffer_too_small;
  // OpenSSL's EVP calls count octets in an int.
  if (length > static_cast<std::size_t>(INT_MAX) - srtp_max_trailer)
    return srtp_errc::malformed_packet;
  return {};
}

// RFC 3711 §3.3 (AES-CM: §4.1.1, §4.2) and RFC 7714 §8: encrypt the payload, then append the
// MKI and tag (AES-CM: MKI || tag; AEAD: tag || MKI, as libsrtp).
std::error_code srtp_context::protect_rtp(std::uint8_t* packet, std::size_t& length,
                                          std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::outbound, length, capacity, srtp_max_trailer)) return ec;
  rtp_header h;
  if (parse_srtp_header({packet, length}, h)) return srtp_errc::malformed_packet;
  session& s = *session_;
  ssrc_state* const e = s.find(h.ssrc);
  std::uint64_t index = 0;
  // A repeated index under the same key would reuse keystream (RFC 3711 §9.1): refuse it.
  if (auto ec = s.rtp_index(e, h.sequence, index)) return ec;

  std::size_t const end = length;
  std::uint8_t* const payload = packet + h.header_size;
  std::size_t const payload_size = end - h.header_size;
  if (s.aead) {
    // RFC 7714 §8.2: the AAD is the header, CSRCs and extension included.
    if (!s.rtp_gcm.seal(srtp_crypto::aes_gcm_iv(s.rtp_aead_salt(), h.ssrc, index),
                        {packet, h.header_size}, {}, payload, payload_size, packet + end))
      return srtp_errc::srtp_failed;
    std::copy_n(s.mki.data(), s.mki_length, packet + end + aes_gcm::tag_length);
  } else {
    if (!s.rtp_ctr.apply(srtp_crypto::aes_cm_iv(s.rtp_salt, h.ssrc, index), payload, payload_size))
      return srtp_errc::srtp_failed;
    std::copy_n(s.mki.data(), s.mki_length, packet + end);
    std::array<std::uint8_t, hmac_sha1::length> mac;
    s.rtp_mac(packet, end, index, mac);
    std::copy_n(mac.data(), s.rtp_tag, packet + end + s.mki_length);
  }
  s.accept_rtp(e, h.ssrc, index);
  length = end + s.rtp_trailer;
  return {};
}

// RFC 3711 §3.3 steps 1-6: MKI, index, replay check, authenticate, decrypt, then update the
// ROC and window (only for a packet that authenticated).
std::error_code srtp_context::unprotect_rtp(std::uint8_t* packet, std::size_t& length,
                                            std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::inbound, length, capacity, 0)) return ec;
  session& s = *session_;
  // RFC 3711 §3.1: the cleartext header, then at least room for the tag and MKI.
  rtp_header h;
  if (parse_srtp_header({packet, length}, h) || length - h.header_size < s.rtp_trailer)
    return srtp_errc::malformed_packet;
  std::size_t const end = length - s.rtp_trailer;
  std::size_t const mki_at = s.aead ? end + aes_gcm::tag_length : end;
  std::size_t const tag_at = s.aead ? end : end + s.mki_length;
  if (!std::equal(s.mki.data(), s.mki.data() + s.mki_length, packet + mki_at))
    return srtp_errc::mki_mismatch;
  ssrc_state* const e = s.find(h.ssrc);
  std::uint64_t index = 0;
  if (auto ec = s.rtp_index(e, h.sequence, index)) return ec;

  std::uint8_t* const payload = packet + h.header_size;
  std::size_t const payload_size = end - h.header_size;
  if (s.aead) {
    if (!s.rtp_gcm.open(srtp_crypto::aes_gcm_iv(s.rtp_aead_salt(), h.ssrc, index),
                        {packet, h.header_size}, {}, payload, payload_size, packet + tag_at))
      return srtp_errc::auth_failed;
  } else {
    std::array<std::uint8_t, hmac_sha1::length> mac;
    s.rtp_mac(packet, end, index, mac);
    if (CRYPTO_memcmp(mac.data(), packet + tag_at, s.rtp_tag) != 0) return srtp_errc::auth_failed;
    if (!s.rtp_ctr.apply(srtp_crypto::aes_cm_iv(s.rtp_salt, h.ssrc, index), payload, payload_size))
      return srtp_errc::srtp_failed;
  }
  s.accept_rtp(e, h.ssrc, index);
  length = end;
  return {};
}

// RFC 3711 §3.4 and RFC 7714 §9: encrypt all but the first 8 octets with the next SRTCP index of
// the sender SSRC, then append (AES-CM) E|index || MKI || tag or (AEAD) tag || E|index || MKI.
std::error_code srtp_context::protect_rtcp(std::uint8_t* packet, std::size_t& length,
                                           std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::outbound, length, capacity, srtp_max_trailer)) return ec;
  if (length < rtcp_clear_header || packet[0] >> 6 != 2) return srtp_errc::malformed_packet;
  session& s = *session_;
  std::uint32_t const ssrc = load32(packet + 4);
  ssrc_state* const e = s.find(ssrc);
  std::uint32_t const previous = e != nullptr ? e->srtcp_sent : s.srtcp_floor;
  if (previous >= srtcp_max_index || s.srtcp_packets >= srtcp_packet_limit)
    return srtp_errc::key_expired;
  // Numbered from 1, as libsrtp does.
  std::uint32_t const index = previous + 1;
  auto const e_index = big_endian(srtcp_e_flag | index);

  std::size_t const end = length;
  std::uint8_t* const body = packet + rtcp_clear_header;
  std::size_t const body_size = end - rtcp_clear_header;
  if (s.aead) {
    // RFC 7714 §9.2: the AAD is the first 8 octets and E|index.
    if (!s.rtcp_gcm.seal(srtp_crypto::aes_gcm_iv(s.rtcp_aead_salt(), ssrc, index),
                         {packet, rtcp_clear_header}, e_index, body, body_size, packet + end))
      return srtp_errc::srtp_failed;
    std::copy(e_index.begin(), e_index.end(), packet + end + aes_gcm::tag_length);
    std::copy_n(s.mki.data(), s.mki_length, packet + end + aes_gcm::tag_length + srtcp_index_size);
  } else {
    if (!s.rtcp_ctr.apply(srtp_crypto::aes_cm_iv(s.rtcp_salt, ssrc, index), body, body_size))
      return srtp_errc::srtp_failed;
    std::copy(e_index.begin(), e_index.end(), packet + end);
    std::copy_n(s.mki.data(), s.mki_length, packet + end + srtcp_index_size);
    // RFC 3711 §3.4: the tag covers the header, the encrypted part and E|index, not the MKI.
    std::array<std::uint8_t, hmac_sha1::length> mac;
    s.rtcp_auth.compute({packet, end + srtcp_index_size}, {}, mac);
    std::copy_n(mac.data(), s.rtcp_tag, packet + end + srtcp_index_size + s.mki_length);
  }
  ssrc_state& entry = e != nullptr ? *e : s.claim(ssrc);
  entry.srtcp_sent = index;
  s.touch(entry);
  ++s.srtcp_packets;
  length = end + s.rtcp_trailer;
  return {};
}

std::error_code srtp_context::unprotect_rtcp(std::uint8_t* packet, std::size_t& length,
                                             std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::inbound, length, capacity, 0)) return ec;
  session& s = *session_;
  if (length < rtcp_clear_header + s.rtcp_trailer || packet[0] >> 6 != 2)
    return srtp_errc::malformed_packet;
  std::size_t const end = length - s.rtcp_trailer;
  std::size_t const index_at = s.aead ? end + aes_gcm::tag_length : end;
  std::size_t const mki_at = index_at + srtcp_index_size;
  std::size_t const tag_at = s.aead ? end : mki_at + s.mki_length;
  if (!std::equal(s.mki.data(), s.mki.data() + s.mki_length, packet + mki_at))
    return srtp_errc::mki_mismatch;
  std::uint32_t const e_index = load32(packet + index_at);
  bool const encrypted = (e_index & srtcp_e_flag) != 0;
  std::uint32_t const index = e_index & srtcp_max_index;
  std::uint32_t const ssrc = load32(packet + 4);
  ssrc_state* const e = s.find(ssrc);
  if (s.srtcp_packets >= srtcp_packet_limit) return srtp_errc::key_expired;
  if (e != nullptr) {
    if (auto ec = e->rtcp.check(index)) return ec;
  }

  std::uint8_t* const body = packet + rtcp_clear_header;
  std::size_t const body_size = end - rtcp_clear_header;
  if (s.aead) {
    auto const iv = srtp_crypto::aes_gcm_iv(s.rtcp_aead_salt(), ssrc, index);
    std::span<std::uint8_t const> const e_index_octets(packet + index_at, srtcp_index_size);
    // RFC 7714 §9.2; with the E flag clear the whole RTCP packet is AAD (§9.3) and nothing is
    // encrypted.
    bool const ok =
        encrypted ? s.rtcp_gcm.open(iv, {packet, rtcp_clear_header}, e_index_octets, body,
                                    body_size, packet + tag_at)
                  : s.rtcp_gcm.open(iv, {packet, end}, e_index_octets, body, 0, packet + tag_at);
    if (!ok) return srtp_errc::auth_failed;
  } else {
    std::array<std::uint8_t, hmac_sha1::length> mac;
    s.rtcp_auth.compute({packet, index_at + srtcp_index_size}, {}, mac);
    if (CRYPTO_memcmp(mac.data(), packet + tag_at, s.rtcp_tag) != 0) return srtp_errc::auth_failed;
    if (encrypted &&
        !s.rtcp_ctr.apply(srtp_crypto::aes_cm_iv(s.rtcp_salt, ssrc, index), body, body_size))
      return srtp_errc::srtp_failed;
  }
  ssrc_state& entry = e != nullptr ? *e : s.claim(ssrc);
  entry.rtcp.accept(index);
  s.touch(entry);
  ++s.srtcp_packets;
  length = end;
  return {};
}

}  // namespace gatehouse::media
