#include "media/srtp.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "media/rtp.hpp"

namespace media = gatehouse::media;
using media::srtp_context;
using media::srtp_direction;
using media::srtp_errc;
using media::srtp_key;
using media::srtp_suite;

namespace {

using bytes = std::vector<std::uint8_t>;

// Hex digits to octets; spaces between groups are skipped.
bytes hex(std::string_view s) {
  std::string digits;
  for (char const c : s) {
    if (c != ' ') digits += c;
  }
  bytes out;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// A packet in a heap buffer of exactly length + srtp_max_trailer octets, so that AddressSanitizer
// sees any write past the room the API promises to need.
struct buffer {
  bytes storage;
  std::size_t length = 0;

  explicit buffer(bytes const& packet) : storage(packet), length(packet.size()) {
    storage.resize(length + media::srtp_max_trailer);
  }
  bytes view() const {
    return {storage.begin(), storage.begin() + static_cast<std::ptrdiff_t>(length)};
  }
  std::uint8_t* data() { return storage.data(); }
  std::size_t capacity() const { return storage.size(); }
};

enum class kind { rtp, rtcp };

std::error_code protect(srtp_context& c, buffer& b, kind k) {
  return k == kind::rtp ? c.protect_rtp(b.data(), b.length, b.capacity())
                        : c.protect_rtcp(b.data(), b.length, b.capacity());
}
std::error_code unprotect(srtp_context& c, buffer& b, kind k) {
  return k == kind::rtp ? c.unprotect_rtp(b.data(), b.length, b.capacity())
                        : c.unprotect_rtcp(b.data(), b.length, b.capacity());
}

// Unprotects a copy of `packet` in a heap buffer of exactly its size, so that AddressSanitizer
// sees any read past its end.
std::error_code unprotect_exact(srtp_context& c, bytes packet, kind k) {
  std::size_t length = packet.size();
  return k == kind::rtp ? c.unprotect_rtp(packet.data(), length, packet.size())
                        : c.unprotect_rtcp(packet.data(), length, packet.size());
}

srtp_context make(srtp_key const& key, srtp_direction d) {
  srtp_context c;
  REQUIRE(srtp_context::make(key, d, c) == std::error_code{});
  return c;
}

srtp_key key_of(srtp_suite s, std::string_view key_hex, std::string_view salt_hex) {
  srtp_key k;
  k.suite = s;
  k.key_salt = hex(key_hex);
  bytes const salt = hex(salt_hex);
  k.key_salt.insert(k.key_salt.end(), salt.begin(), salt.end());
  return k;
}

void put32(bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// RTP packet: V=2, PT 0, the given sequence number, timestamp 160 per packet, `size` octets of
// payload derived from the sequence number.
bytes rtp_packet(std::uint32_t ssrc, std::uint16_t seq, std::size_t size = 160) {
  bytes b = {0x80, 0x00, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
  put32(b, 160u * seq);
  put32(b, ssrc);
  for (std::size_t i = 0; i < size; ++i) b.push_back(static_cast<std::uint8_t>(seq * 7 + i));
  return b;
}

// An RR from `ssrc` with one report block whose extended highest sequence is `n`.
bytes rtcp_packet(std::uint32_t ssrc, std::uint32_t n) {
  bytes b = {0x81, 201, 0, 7};
  for (std::uint32_t v : {ssrc, 0x12345678u, 0u, n, 5u, 0u, 0u}) put32(b, v);
  return b;
}

constexpr auto const& every_suite = media::all_srtp_suites;

// Known answers. The plaintexts are libsrtp's reference packets (test/srtp_driver.c): RTP
// 800f1234 decafbad cafebabe + 16 x ab, and RTCP 81c8000b cafebabe + 16 x ab.
constexpr std::string_view kat_rtp = "800f1234decafbadcafebabe abababababababababababababababab";
constexpr std::string_view kat_rtcp = "81c8000bcafebabe abababababababababababababababab";

struct known_answer {
  char const* source;
  srtp_suite suite;
  std::string_view key;
  std::string_view salt;
  std::uint64_t mki;
  std::uint8_t mki_length;
  std::string_view srtp;
  std::string_view srtcp;
};

known_answer const known_answers[] = {
    // libsrtp test/srtp_driver.c srtp_validate(); the master key and salt are RFC 3711
    // Appendix B.3's.
    {"libsrtp srtp_validate", srtp_suite::aes_cm_128_hmac_sha1_80,
     "e1f97a0d3e018be0d64fa32c06de4139", "0ec675ad498afeebb6960b3aabe6", 0, 0,
     "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb",
     "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798"},
    // libsrtp test/srtp_driver.c srtp_validate_gcm(); the same packets in pion/srtp
    // srtp_cipher_test.go.
    {"libsrtp srtp_validate_gcm", srtp_suite::aead_aes_128_gcm, "000102030405060708090a0b0c0d0e0f",
     "a0a1a2a3a4a5a6a7a8a9aaab", 0, 0,
     "800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392",
     "81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e "
     "80000001"},
    // pion/srtp srtp_cipher_test.go createTestCiphers (an implementation independent of
    // libsrtp); master key 00..0f (twice for AES-256), salt a0..ad cut to the suite's length.
    {"pion AES_CM_128_HMAC_SHA1_80", srtp_suite::aes_cm_128_hmac_sha1_80,
     "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaabacad", 0, 0,
     "800f1234decafbadcafebabe e2d8df8f7a75d688c3502eeec2a98066 cd7c0d09ca4432a56e3d",
     "81c8000bcafebabe 5674bf01813dc062ac1df6f75f77c688 80000001 3db7a19837ff64e5cbd2"},
    {"pion AES_CM_128_HMAC_SHA1_32", srtp_suite::aes_cm_128_hmac_sha1_32,
     "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaabacad", 0, 0,
     "800f1234decafbadcafebabe e2d8df8f7a75d688c3502eeec2a98066 cd7c0d09",
     "81c8000bcafebabe 5674bf01813dc062ac1df6f75f77c688 80000001 3db7a19837ff64e5cbd2"},
    {"pion AEAD_AES_256_GCM", srtp_suite::aead_aes_256_gcm,
     "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab",
     0, 0,
     "800f1234decafbadcafebabe af49968f7e9c43f801dd0c848b1ec9b0 29cdf85cb79a2f9560d4697598507725",
     "81c8000bcafebabe 9822ba22961c3148e7b7ec4f09f426dc f6b59a75adec74fdb951b6668424d4e2 "
     "80000001"},
    // pion/srtp with MKI 01020004 (4 octets): before the tag for AES-CM (RFC 3711 §3.1), after
    // it for GCM (RFC 7714).
    {"pion AES_CM_128_HMAC_SHA1_80 with MKI", srtp_suite::aes_cm_128_hmac_sha1_80,
     "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaabacad", 0x01020004, 4,
     "800f1234decafbadcafebabe e2d8df8f7a75d688c3502eeec2a98066 01020004 cd7c0d09ca4432a56e3d",
     "81c8000bcafebabe 5674bf01813dc062ac1df6f75f77c688 80000001 01020004 "
     "3db7a19837ff64e5cbd2"},
    {"pion AEAD_AES_128_GCM with MKI", srtp_suite::aead_aes_128_gcm,
     "000102030405060708090a0b0c0d0e0f", "a0a1a2a3a4a5a6a7a8a9aaab", 0x01020004, 4,
     "800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392 "
     "01020004",
     "81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e "
     "80000001 01020004"},
};

}  // namespace

TEST_CASE("srtp errc: every code has its own message in the gatehouse.srtp category") {
  std::set<std::string> messages;
  auto const last = static_cast<int>(srtp_errc::srtp_failed);
  for (int e = 1; e <= last; ++e) {
    std::error_code const ec = static_cast<srtp_errc>(e);
    CHECK(ec.category().name() == std::string("gatehouse.srtp"));
    CHECK(ec.message() != "unknown SRTP error");
    messages.insert(ec.message());
  }
  CHECK(messages.size() == static_cast<std::size_t>(last));
}

TEST_CASE("SRTP suites: SDES names and key lengths (RFC 4568 §6.2, RFC 7714 §14.2)") {
  struct row {
    srtp_suite suite;
    std::string_view name;
    std::size_t key, salt, rtp_overhead, rtcp_overhead;
  };
  row const table[] = {
      {srtp_suite::aes_cm_128_hmac_sha1_80, "AES_CM_128_HMAC_SHA1_80", 16, 14, 10, 14},
      {srtp_suite::aes_cm_128_hmac_sha1_32, "AES_CM_128_HMAC_SHA1_32", 16, 14, 4, 14},
      {srtp_suite::aead_aes_128_gcm, "AEAD_AES_128_GCM", 16, 12, 16, 20},
      {srtp_suite::aead_aes_256_gcm, "AEAD_AES_256_GCM", 32, 12, 16, 20},
  };
  for (auto const& r : table) {
    CAPTURE(r.name);
    CHECK(media::to_string(r.suite) == r.name);
    srtp_suite parsed{};
    REQUIRE(media::parse_suite(r.name, parsed) == std::error_code{});
    CHECK(parsed == r.suite);
    CHECK(media::master_key_length(r.suite) == r.key);
    CHECK(media::master_salt_length(r.suite) == r.salt);
    CHECK(media::srtp_overhead(r.suite) == r.rtp_overhead);
    CHECK(media::srtcp_overhead(r.suite) == r.rtcp_overhead);
    CHECK(media::srtp_overhead(r.suite, 4) == r.rtp_overhead + 4);
  }
  srtp_suite s{};
  CHECK(media::parse_suite("AES_256_CM_HMAC_SHA1_80", s) == srtp_errc::unknown_suite);
  CHECK(media::parse_suite("AES_CM_128_HMAC_SHA1", s) == srtp_errc::unknown_suite);
  REQUIRE(media::parse_suite("aead_aes_128_gcm", s) == std::error_code{});  // ABNF literal
  CHECK(s == srtp_suite::aead_aes_128_gcm);
  CHECK(media::parse_suite("", s) == srtp_errc::unknown_suite);
}

TEST_CASE("SRTP known answers: protect gives the reference bytes, unprotect the plaintext") {
  for (auto const& v : known_answers) {
    CAPTURE(v.source);
    srtp_key key = key_of(v.suite, v.key, v.salt);
    key.mki = v.mki;
    key.mki_length = v.mki_length;

    srtp_context out = make(key, srtp_direction::outbound);
    buffer rtp(hex(kat_rtp));
    REQUIRE(protect(out, rtp, kind::rtp) == std::error_code{});
    CHECK(rtp.view() == hex(v.srtp));
    buffer rtcp(hex(kat_rtcp));
    REQUIRE(protect(out, rtcp, kind::rtcp) == std::error_code{});
    CHECK(rtcp.view() == hex(v.srtcp));

    srtp_context in = make(key, srtp_direction::inbound);
    buffer srtp(hex(v.srtp));
    REQUIRE(unprotect(in, srtp, kind::rtp) == std::error_code{});
    CHECK(srtp.view() == hex(kat_rtp));
    buffer srtcp(hex(v.srtcp));
    REQUIRE(unprotect(in, srtcp, kind::rtcp) == std::error_code{});
    CHECK(srtcp.view() == hex(kat_rtcp));
  }
}

TEST_CASE("SRTP: every suite round-trips RTP and RTCP, and rejects tampering, replay and keys") {
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    srtp_context stranger = make(srtp_key::generate(suite), srtp_direction::inbound);

    for (std::uint16_t seq = 1; seq <= 20; ++seq) {
      for (kind const k : {kind::rtp, kind::rtcp}) {
        std::string_view const what = k == kind::rtp ? "RTP" : "RTCP";
        CAPTURE(what);
        bytes const plain = k == kind::rtp ? rtp_packet(0x11223344, seq) : rtcp_packet(1, seq);
        buffer b(plain);
        REQUIRE(protect(out, b, k) == std::error_code{});
        CHECK(b.length == plain.size() + (k == kind::rtp ? media::srtp_overhead(suite)
                                                         : media::srtcp_overhead(suite)));
        CHECK(b.view() != plain);
        bytes const secured = b.view();

        buffer other(secured);
        CHECK(unprotect(stranger, other, k) == srtp_errc::auth_failed);
        // A header bit, a payload bit, a tag bit (for SRTCP with GCM, the E flag and index
        // follow the tag: RFC 7714).
        std::size_t const tag = secured.size() - (k == kind::rtp ? 1 : 5);
        for (std::size_t at : {std::size_t{2}, std::size_t{20}, tag}) {
          buffer flipped(secured);
          flipped.storage[at] ^= 0x01;
          CHECK(unprotect(in, flipped, k) == srtp_errc::auth_failed);
        }

        REQUIRE(unprotect(in, b, k) == std::error_code{});
        CHECK(b.view() == plain);
        buffer again(secured);
        CHECK(unprotect(in, again, k) == srtp_errc::replayed);
      }
    }
  }
}

TEST_CASE("SRTP: the replay window takes reordering up to 1024 packets back") {
  srtp_key const key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
  srtp_context out = make(key, srtp_direction::outbound);
  srtp_context in = make(key, srtp_direction::inbound);
  std::vector<bytes> sent;
  for (std::uint16_t seq = 0; seq < 2000; ++seq) {
    buffer b(rtp_packet(7, seq, 20));
    REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
    sent.push_back(b.view());
  }
  buffer newest(sent[1999]);
  REQUIRE(unprotect(in, newest, kind::rtp) == std::error_code{});
  buffer late(sent[1999 - 1000]);
  CHECK(unprotect(in, late, kind::rtp) == std::error_code{});
  buffer too_late(sent[1999 - 1100]);
  CHECK(unprotect(in, too_late, kind::rtp) == srtp_errc::too_old);
}

TEST_CASE("SRTP: protecting the same sequence number twice is refused") {
  // RFC 3711 §9.1: the same index under the same key would reuse keystream.
  srtp_context out =
      make(srtp_key::generate(srtp_suite::aead_aes_128_gcm), srtp_direction::outbound);
  buffer first(rtp_packet(1, 100));
  REQUIRE(protect(out, first, kind::rtp) == std::error_code{});
  buffer second(rtp_packet(1, 100));
  CHECK(protect(out, second, kind::rtp) == srtp_errc::replayed);
}

TEST_CASE("SRTP: one context serves any SSRC") {
  srtp_key const key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_32);
  srtp_context out = make(key, srtp_direction::outbound);
  srtp_context in = make(key, srtp_direction::inbound);
  for (std::uint32_t ssrc : {1u, 0xdeadbeefu, 42u}) {
    for (std::uint16_t seq = 10; seq < 13; ++seq) {
      bytes const plain = rtp_packet(ssrc, seq);
      buffer b(plain);
      REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
      REQUIRE(unprotect(in, b, kind::rtp) == std::error_code{});
      CHECK(b.view() == plain);
    }
  }
}

TEST_CASE("SRTP: an MKI must match the key's") {
  srtp_key key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
  key.mki = 1;
  key.mki_length = 4;
  srtp_context out = make(key, srtp_direction::outbound);
  buffer b(rtp_packet(5, 1));
  REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
  CHECK(b.length == 12 + 160 + 4 + 10);
  srtp_key other_mki = key;
  other_mki.mki = 2;
  srtp_context in = make(other_mki, srtp_direction::inbound);
  CHECK(unprotect(in, b, kind::rtp) == srtp_errc::mki_mismatch);

  srtp_key bad = key;
  bad.mki = 256;
  bad.mki_length = 1;
  srtp_context c;
  CHECK(srtp_context::make(bad, srtp_direction::inbound, c) == srtp_errc::bad_mki);
}

TEST_CASE("SRTP: contract checks") {
  srtp_key const key = srtp_key::generate(srtp_suite::aes_cm_128_hmac_sha1_80);
  bytes const plain = rtp_packet(1, 1);

  srtp_context empty;
  CHECK_FALSE(empty.is_open());
  buffer b(plain);
  CHECK(protect(empty, b, kind::rtp) == srtp_errc::no_context);
  CHECK(unprotect(empty, b, kind::rtcp) == srtp_errc::no_context);

  srtp_context in = make(key, srtp_direction::inbound);
  srtp_context out = make(key, srtp_direction::outbound);
  CHECK(in.direction() == srtp_direction::inbound);
  CHECK(out.suite() == srtp_suite::aes_cm_128_hmac_sha1_80);
  CHECK(protect(in, b, kind::rtp) == srtp_errc::wrong_direction);
  CHECK(unprotect(out, b, kind::rtp) == srtp_errc::wrong_direction);
  CHECK(protect(in, b, kind::rtcp) == srtp_errc::wrong_direction);
  CHECK(unprotect(out, b, kind::rtcp) == srtp_errc::wrong_direction);

  std::size_t length = plain.size();
  bytes tight = plain;
  tight.resize(plain.size() + media::srtp_max_trailer - 1);
  CHECK(out.protect_rtp(tight.data(), length, tight.size()) == srtp_errc::buffer_too_small);
  CHECK(out.protect_rtcp(tight.data(), length, tight.size()) == srtp_errc::buffer_too_small);
  CHECK(in.unprotect_rtp(tight.data(), length, length - 1) == srtp_errc::buffer_too_small);

  srtp_key short_key = key;
  short_key.key_salt.pop_back();
  srtp_context c;
  CHECK(srtp_context::make(short_key, srtp_direction::outbound, c) == srtp_errc::wrong_key_length);

  srtp_context moved(std::move(out));
  CHECK(moved.is_open());
  CHECK_FALSE(out.is_open());  // NOLINT(bugprone-use-after-move): moved-from is empty
  CHECK(protect(out, b, kind::rtp) == srtp_errc::no_context);
  REQUIRE(protect(moved, b, kind::rtp) == std::error_code{});
  srtp_context assigned;
  assigned = std::move(in);
  REQUIRE(unprotect(assigned, b, kind::rtp) == std::error_code{});
  CHECK(b.view() == plain);
}

TEST_CASE("SRTP: malformed and truncated packets are errors, never crashes") {
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);

    bytes srtp;
    for (kind const k : {kind::rtp, kind::rtcp}) {
      buffer whole(k == kind::rtp ? rtp_packet(3, 1, 40) : rtcp_packet(3, 1));
      REQUIRE(protect(out, whole, k) == std::error_code{});
      if (k == kind::rtp) srtp = whole.view();
      for (std::size_t n = 0; n < whole.length; ++n) {
        bytes cut(whole.storage.begin(), whole.storage.begin() + static_cast<std::ptrdiff_t>(n));
        CHECK(unprotect_exact(in, cut, k) != std::error_code{});
      }
    }

    // A header that lies about its CSRCs and extension.
    srtp[0] = 0x9f;
    CHECK(unprotect_exact(in, srtp, kind::rtp) == srtp_errc::malformed_packet);
    buffer liar(srtp);
    CHECK(protect(out, liar, kind::rtp) == srtp_errc::malformed_packet);

    // Noise of every length up to 64 octets, with a version-2 first octet.
    std::uint32_t x = 12345;
    for (std::size_t n = 0; n <= 64; ++n) {
      bytes noise(n);
      for (auto& o : noise) {
        x = x * 1103515245u + 12345u;
        o = static_cast<std::uint8_t>(x >> 16);
      }
      if (n > 0) noise[0] = static_cast<std::uint8_t>(0x80 | (noise[0] & 0x3f));
      CHECK(unprotect_exact(in, noise, kind::rtp) != std::error_code{});
      CHECK(unprotect_exact(in, noise, kind::rtcp) != std::error_code{});
    }

    buffer short_rtcp(bytes{0x80, 0xc9, 0, 0});
    CHECK(protect(out, short_rtcp, kind::rtcp) == srtp_errc::malformed_packet);
  }
}

TEST_CASE("SRTP SDES: parse_key_params accepts what inline_key produces") {
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    CHECK(key.key_salt.size() ==
          media::master_key_length(suite) + media::master_salt_length(suite));
    CHECK(key != srtp_key::generate(suite));
    std::string const params = key.inline_key();
    CHECK(params.starts_with("inline:"));
    // base64 with padding (RFC 4648 §4): 30 octets -> 40, 28 -> 40 ("=="), 44 -> 60 ("=").
    std::size_t const expected_length = (key.key_salt.size() + 2) / 3 * 4;
    CHECK(params.size() == 7 + expected_length);

    for (std::string const suffix : {"", "|2^31", "|2^20|1:4", "|1:4", "|1048576", "|65535:2"}) {
      CAPTURE(suffix);
      srtp_key parsed;
      REQUIRE(media::parse_key_params(suite, params + suffix, parsed) == std::error_code{});
      CHECK(parsed.suite == suite);
      CHECK(parsed.key_salt == key.key_salt);
    }
    srtp_key with_mki;
    REQUIRE(media::parse_key_params(suite, params + "|2^31|1:4", with_mki) == std::error_code{});
    CHECK(with_mki.mki == 1);
    CHECK(with_mki.mki_length == 4);
    CHECK(with_mki.inline_key() == params + "|1:4");
    srtp_key again;
    REQUIRE(media::parse_key_params(suite, with_mki.inline_key(), again) == std::error_code{});
    CHECK(again == with_mki);

    // Unpadded base64 is accepted too.
    std::string unpadded = params;
    while (unpadded.ends_with('=')) unpadded.pop_back();
    srtp_key parsed;
    REQUIRE(media::parse_key_params(suite, unpadded, parsed) == std::error_code{});
    CHECK(parsed.key_salt == key.key_salt);
  }
}

TEST_CASE("SRTP SDES: the key of RFC 4568's examples") {
  srtp_key k;
  REQUIRE(media::parse_key_params(srtp_suite::aes_cm_128_hmac_sha1_80,
                                  "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
                                  k) == std::error_code{});
  CHECK(k.key_salt.size() == 30);
  CHECK(k.key_salt[0] == 0x3d);  // 'P' 'S' -> 001111 010010
  CHECK(k.mki == 1);
  CHECK(k.mki_length == 32);
  CHECK(media::parse_key_params(srtp_suite::aes_cm_128_hmac_sha1_80,
                                "INLINE:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
                                k) == std::error_code{});
  srtp_context c;
  CHECK(srtp_context::make(k, srtp_direction::outbound, c) == std::error_code{});
}

TEST_CASE("SRTP SDES: parse_key_params rejects what is not a key for the suite") {
  std::string const key30 = "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
  auto const parse = [](srtp_suite s, std::string const& text) {
    srtp_key k;
    k.key_salt = {1, 2, 3};
    auto const ec = media::parse_key_params(s, text, k);
    if (ec) CHECK(k.key_salt == bytes{1, 2, 3});  // untouched on error
    return ec;
  };
  auto const cm80 = srtp_suite::aes_cm_128_hmac_sha1_80;
  struct row {
    srtp_suite suite;
    std::string text;
    srtp_errc error;
  };
  row const table[] = {
      {cm80, "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", srtp_errc::bad_key_params},
      {cm80, "uri:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", srtp_errc::bad_key_params},
      {cm80, "inline:", srtp_errc::bad_key_params},
      {cm80, key30 + "|", srtp_errc::bad_key_params},
      {cm80, key30 + "||1:4", srtp_errc::bad_key_params},
      {cm80, key30 + "|2^31|2^31", srtp_errc::bad_key_params},
      {cm80, key30 + "|1:4|2^31", srtp_errc::bad_key_params},
      {cm80, key30 + "|1:4|1:4", srtp_errc::bad_key_params},
      {cm80, key30 + "|2^31|1:4|x", srtp_errc::bad_key_params},
      {cm80, key30 + ";" + key30, srtp_errc::multiple_keys},
      {cm80, key30 + "|x^20", srtp_errc::bad_lifetime},
      {cm80, key30 + "|2^", srtp_errc::bad_lifetime},
      {cm80, key30 + "|0", srtp_errc::bad_lifetime},
      {cm80, key30 + "|2^99", srtp_errc::bad_lifetime},
      {cm80, key30 + "|1:0", srtp_errc::bad_mki},
      {cm80, key30 + "|1:129", srtp_errc::bad_mki},
      {cm80, key30 + "|1:0004", srtp_errc::bad_mki},
      {cm80, key30 + "|256:1", srtp_errc::bad_mki},
      {cm80, key30 + "|:4", srtp_errc::bad_mki},
      {cm80, key30 + "|1:", srtp_errc::bad_mki},
      {cm80, key30 + "|99999999999999999999999:16", srtp_errc::bad_mki},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkp!ywjNWhcYD0mXXtxaVBR", srtp_errc::bad_base64},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxa", srtp_errc::bad_base64},
      {cm80, "inline:PS1uQCVeeCFCanVm=jkpPywjNWhcYD0mXXtxaVBR", srtp_errc::bad_base64},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV==", srtp_errc::wrong_key_length},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR===", srtp_errc::bad_base64},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR PS1u", srtp_errc::bad_base64},
      {cm80, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRPS1u", srtp_errc::wrong_key_length},
      {srtp_suite::aead_aes_128_gcm, key30, srtp_errc::wrong_key_length},
      {srtp_suite::aead_aes_256_gcm, key30, srtp_errc::wrong_key_length},
  };
  for (auto const& r : table) {
    CAPTURE(r.text);
    CHECK(parse(r.suite, r.text) == r.error);
  }
}

namespace {

// One side of a call as the relay sees it: what the endpoint sends with and what the relay
// sends to it with, each keyed through SDES text as the controller would.
struct side {
  bool secure = false;
  srtp_context endpoint_out;  // the phone protecting what it sends
  srtp_context relay_in;      // the relay unprotecting it
  srtp_context relay_out;     // the relay protecting what it sends to the phone
  srtp_context endpoint_in;   // the phone unprotecting it
};

srtp_key via_sdes(srtp_key const& k) {
  srtp_key parsed;
  REQUIRE(media::parse_key_params(k.suite, k.inline_key(), parsed) == std::error_code{});
  return parsed;
}

side make_side(bool secure, srtp_suite suite) {
  side s;
  s.secure = secure;
  if (!secure) return s;
  srtp_key const offered = srtp_key::generate(suite);   // the phone's a=crypto
  srtp_key const answered = srtp_key::generate(suite);  // the relay's a=crypto
  s.endpoint_out = make(offered, srtp_direction::outbound);
  s.relay_in = make(via_sdes(offered), srtp_direction::inbound);
  s.relay_out = make(answered, srtp_direction::outbound);
  s.endpoint_in = make(via_sdes(answered), srtp_direction::inbound);
  return s;
}

// from's phone sends `plain`; the relay forwards it to `to`'s phone, which must get `plain`.
void relay(side& from, side& to, bytes const& plain, kind k) {
  buffer b(plain);
  if (from.secure) {
    REQUIRE(protect(from.endpoint_out, b, k) == std::error_code{});
    REQUIRE(unprotect(from.relay_in, b, k) == std::error_code{});
  }
  if (to.secure) {
    REQUIRE(protect(to.relay_out, b, k) == std::error_code{});
    CHECK(b.view() != plain);
    REQUIRE(unprotect(to.endpoint_in, b, k) == std::error_code{});
  }
  CHECK(b.view() == plain);
}

void bridge(side& a, side& b) {
  // Sequence numbers start near the top so that both rollover counters advance (RFC 3711 §3.3.1).
  for (std::uint32_t i = 0; i < 1000; ++i) {
    auto const seq = static_cast<std::uint16_t>(65000 + i);
    relay(a, b, rtp_packet(0xaaaa0001, seq), kind::rtp);
    relay(b, a, rtp_packet(0xbbbb0002, static_cast<std::uint16_t>(seq + 17)), kind::rtp);
    relay(a, b, rtcp_packet(0xaaaa0001, i), kind::rtcp);
    relay(b, a, rtcp_packet(0xbbbb0002, i), kind::rtcp);
  }
}

}  // namespace

TEST_CASE("SRTP bridging: SRTP on side A, plain RTP on side B") {
  side a = make_side(true, srtp_suite::aes_cm_128_hmac_sha1_80);
  side b = make_side(false, srtp_suite::aes_cm_128_hmac_sha1_80);
  bridge(a, b);
}

TEST_CASE("SRTP bridging: plain RTP on side A, SRTP on side B") {
  side a = make_side(false, srtp_suite::aead_aes_128_gcm);
  side b = make_side(true, srtp_suite::aead_aes_128_gcm);
  bridge(a, b);
}

TEST_CASE("SRTP bridging: SRTP on both sides with different keys and suites") {
  side a = make_side(true, srtp_suite::aes_cm_128_hmac_sha1_32);
  side b = make_side(true, srtp_suite::aead_aes_256_gcm);
  bridge(a, b);
  side c = make_side(true, srtp_suite::aes_cm_128_hmac_sha1_80);
  side d = make_side(true, srtp_suite::aes_cm_128_hmac_sha1_80);
  bridge(c, d);
}
