#include "media/srtp.hpp"

#include <openssl/rand.h>
#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <cstdlib>
#include <mutex>
#include <utility>

#include "media/rtp.hpp"

namespace gatehouse::media {
namespace {

static_assert(srtp_max_trailer == SRTP_MAX_TRAILER_LEN + 4,
              "srtp_max_trailer: libsrtp's trailer plus the SRTCP E flag and index");

constexpr std::size_t max_mki_length = SRTP_MAX_MKI_LEN;  // RFC 4568 §9.2: 1..128

// RFC 3711 §3.4: SRTCP leaves the first 8 octets (header and sender SSRC) in the clear.
constexpr std::size_t rtcp_clear_header = 8;

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
        return "libsrtp initialisation failed";
      case srtp_errc::create_failed:
        return "libsrtp could not create the SRTP session";
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
        return "libsrtp failure";
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
};

// RFC 4568 §6.2.1-2 (the _32 suite keeps an 80-bit SRTCP tag); RFC 7714: 12-octet salts and
// 16-octet tags.
constexpr std::array<suite_info, 4> suites{{
    {srtp_suite::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 10},
    {srtp_suite::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 10},
    {srtp_suite::aead_aes_128_gcm, "AEAD_AES_128_GCM", 16, 12, 16, 16},
    {srtp_suite::aead_aes_256_gcm, "AEAD_AES_256_GCM", 32, 12, 16, 16},
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

// libsrtp's one-time global initialisation; the only global state here.
srtp_err_status_t init_libsrtp() noexcept {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

void set_crypto_policy(srtp_suite s, srtp_policy_t& p) noexcept {
  switch (s) {
    case srtp_suite::aes_cm_128_hmac_sha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aes_cm_128_hmac_sha1_32:
      // RFC 4568 §6.2.2: the 32-bit tag is for SRTP only; SRTCP keeps 80 bits.
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtcp);
      return;
    case srtp_suite::aead_aes_128_gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
      return;
    case srtp_suite::aead_aes_256_gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtcp);
      return;
  }
}

std::error_code from_status(srtp_err_status_t s) noexcept {
  switch (s) {
    case srtp_err_status_ok:
      return {};
    case srtp_err_status_auth_fail:
      return srtp_errc::auth_failed;
    case srtp_err_status_replay_fail:
      return srtp_errc::replayed;
    case srtp_err_status_replay_old:
    case srtp_err_status_pkt_idx_old:
      return srtp_errc::too_old;
    case srtp_err_status_bad_mki:
      return srtp_errc::mki_mismatch;
    case srtp_err_status_key_expired:
      return srtp_errc::key_expired;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return srtp_errc::malformed_packet;
    default:
      return srtp_errc::srtp_failed;
  }
}

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

srtp_context::~srtp_context() {
  if (session_ != nullptr) srtp_dealloc(session_);
}

srtp_context::srtp_context(srtp_context&& other) noexcept
    : session_(std::exchange(other.session_, nullptr)),
      suite_(other.suite_),
      direction_(other.direction_),
      use_mki_(other.use_mki_),
      rtp_trailer_(other.rtp_trailer_),
      rtcp_trailer_(other.rtcp_trailer_) {}

srtp_context& srtp_context::operator=(srtp_context&& other) noexcept {
  if (this != &other) {
    if (session_ != nullptr) srtp_dealloc(session_);
    session_ = std::exchange(other.session_, nullptr);
    suite_ = other.suite_;
    direction_ = other.direction_;
    use_mki_ = other.use_mki_;
    rtp_trailer_ = other.rtp_trailer_;
    rtcp_trailer_ = other.rtcp_trailer_;
  }
  return *this;
}

std::error_code srtp_context::make(srtp_key const& key, srtp_direction direction,
                                   srtp_context& out) {
  if (key.key_salt.size() != master_key_length(key.suite) + master_salt_length(key.suite))
    return srtp_errc::wrong_key_length;
  if (key.mki_length > max_mki_length ||
      (key.mki_length > 0 && key.mki_length < 8 && key.mki >> (8 * key.mki_length) != 0))
    return srtp_errc::bad_mki;
  if (init_libsrtp() != srtp_err_status_ok) return srtp_errc::init_failed;

  srtp_policy_t policy{};
  set_crypto_policy(key.suite, policy);
  policy.ssrc.type = direction == srtp_direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.window_size = srtp_replay_window;
  // A relay re-sending the same index would reuse keystream (RFC 3711 §9.1): refuse it.
  policy.allow_repeat_tx = 0;
  // libsrtp derives the session keys and copies the MKI into the session, and never writes
  // through these pointers: nothing here outlives make().
  auto* const key_salt = const_cast<unsigned char*>(key.key_salt.data());
  std::array<std::uint8_t, max_mki_length> mki{};
  srtp_master_key_t master{key_salt, mki.data(), key.mki_length};
  srtp_master_key_t* masters[1] = {&master};
  if (key.mki_length > 0) {
    // RFC 4568 §6.1: the MKI value as an integer of mki_length octets, in network byte order.
    std::uint64_t v = key.mki;
    for (std::size_t i = key.mki_length; i-- > 0 && v != 0; v >>= 8) {
      mki[i] = static_cast<std::uint8_t>(v & 0xff);
    }
    policy.keys = masters;
    policy.num_master_keys = 1;
  } else {
    policy.key = key_salt;
  }

  srtp_t session = nullptr;
  auto const status = srtp_create(&session, &policy);
  if (status != srtp_err_status_ok) {
    if (session != nullptr) srtp_dealloc(session);
    return srtp_errc::create_failed;
  }

  srtp_context ctx;
  ctx.session_ = session;
  ctx.suite_ = key.suite;
  ctx.direction_ = direction;
  ctx.use_mki_ = key.mki_length > 0;
  ctx.rtp_trailer_ = srtp_overhead(key.suite, key.mki_length);
  ctx.rtcp_trailer_ = srtcp_overhead(key.suite, key.mki_length);
  out = std::move(ctx);
  return {};
}

std::error_code srtp_context::check(srtp_direction wanted, std::size_t length, std::size_t capacity,
                                    std::size_t room) const noexcept {
  if (session_ == nullptr) return srtp_errc::no_context;
  if (direction_ != wanted) return srtp_errc::wrong_direction;
  if (length > capacity || capacity - length < room) return srtp_errc::buffer_too_small;
  // libsrtp counts octets in an int.
  if (length > static_cast<std::size_t>(INT_MAX) - srtp_max_trailer)
    return srtp_errc::malformed_packet;
  return {};
}

std::error_code srtp_context::protect_rtp(std::uint8_t* packet, std::size_t& length,
                                          std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::outbound, length, capacity, srtp_max_trailer)) return ec;
  rtp_header h;
  if (parse_srtp_header({packet, length}, h)) return srtp_errc::malformed_packet;
  int len = static_cast<int>(length);
  auto const status = srtp_protect_mki(session_, packet, &len, use_mki_ ? 1 : 0, 0);
  if (status != srtp_err_status_ok) return from_status(status);
  length = static_cast<std::size_t>(len);
  return {};
}

std::error_code srtp_context::unprotect_rtp(std::uint8_t* packet, std::size_t& length,
                                            std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::inbound, length, capacity, 0)) return ec;
  // RFC 3711 §3.1: the cleartext header, then at least room for the tag and MKI.
  rtp_header h;
  if (parse_srtp_header({packet, length}, h) || length - h.header_size < rtp_trailer_)
    return srtp_errc::malformed_packet;
  int len = static_cast<int>(length);
  auto const status = srtp_unprotect_mki(session_, packet, &len, use_mki_ ? 1 : 0);
  if (status != srtp_err_status_ok) return from_status(status);
  length = static_cast<std::size_t>(len);
  return {};
}

std::error_code srtp_context::protect_rtcp(std::uint8_t* packet, std::size_t& length,
                                           std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::outbound, length, capacity, srtp_max_trailer)) return ec;
  if (length < rtcp_clear_header || packet[0] >> 6 != 2) return srtp_errc::malformed_packet;
  int len = static_cast<int>(length);
  auto const status = srtp_protect_rtcp_mki(session_, packet, &len, use_mki_ ? 1 : 0, 0);
  if (status != srtp_err_status_ok) return from_status(status);
  length = static_cast<std::size_t>(len);
  return {};
}

std::error_code srtp_context::unprotect_rtcp(std::uint8_t* packet, std::size_t& length,
                                             std::size_t capacity) noexcept {
  if (auto ec = check(srtp_direction::inbound, length, capacity, 0)) return ec;
  if (length < rtcp_clear_header + rtcp_trailer_ || packet[0] >> 6 != 2)
    return srtp_errc::malformed_packet;
  int len = static_cast<int>(length);
  auto const status = srtp_unprotect_rtcp_mki(session_, packet, &len, use_mki_ ? 1 : 0);
  if (status != srtp_err_status_ok) return from_status(status);
  length = static_cast<std::size_t>(len);
  return {};
}

}  // namespace gatehouse::media
