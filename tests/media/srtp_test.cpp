#include "media/srtp.hpp"

#include <doctest/doctest.h>
#include <openssl/crypto.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <ostream>  // doctest prints std::error_code through operator<<
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "media/rtp.hpp"
#include "media/srtp_crypto.hpp"

// Counting allocators for "SRTP: no allocation per packet". OpenSSL takes its allocators only
// before its first allocation in the process, so a constructor of the earliest user priority
// installs them, ahead of every ordinary static initializer. The global operator new and delete
// below replace the library's for the whole media_tests executable.
namespace {

std::atomic<long> openssl_allocations{0};
std::atomic<long> heap_allocations{0};
bool openssl_counting = false;  // constant-initialised, so set before any dynamic initialiser

void* counting_malloc(std::size_t n, char const*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n);
}
void* counting_realloc(void* p, std::size_t n, char const*, int) {
  openssl_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void counting_free(void* p, char const*, int) {
  std::free(p);
}

[[gnu::constructor(101)]] void install_openssl_counters() {
  openssl_counting =
      CRYPTO_set_mem_functions(counting_malloc, counting_realloc, counting_free) == 1;
}

void* counted_new(std::size_t n) {
  heap_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

void* counted_new(std::size_t n, std::align_val_t al) {
  heap_allocations.fetch_add(1, std::memory_order_relaxed);
  auto const a = static_cast<std::size_t>(al);
  // aligned_alloc wants a size that is a multiple of the alignment.
  if (void* p = std::aligned_alloc(a, n == 0 ? a : (n + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) {
  return counted_new(n);
}
void* operator new[](std::size_t n) {
  return counted_new(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
  return counted_new(n, a);
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return counted_new(n, a);
}
void* operator new(std::size_t n, std::nothrow_t const&) noexcept {
  try {
    return counted_new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::nothrow_t const& t) noexcept {
  return operator new(n, t);
}
void* operator new(std::size_t n, std::align_val_t a, std::nothrow_t const&) noexcept {
  try {
    return counted_new(n, a);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, std::nothrow_t const& t) noexcept {
  return operator new(n, a, t);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::nothrow_t const&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::nothrow_t const&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, std::nothrow_t const&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, std::nothrow_t const&) noexcept {
  std::free(p);
}

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

namespace {

namespace crypto = gatehouse::media::srtp_crypto;
using crypto::label;

std::span<std::uint8_t const, 14> salt14(bytes const& b) {
  REQUIRE(b.size() >= 14);
  return std::span<std::uint8_t const, 14>(b.data(), 14);
}
std::span<std::uint8_t const, 12> salt12(bytes const& b) {
  REQUIRE(b.size() >= 12);
  return std::span<std::uint8_t const, 12>(b.data(), 12);
}

bool is_aead(srtp_suite s) {
  return s == srtp_suite::aead_aes_128_gcm || s == srtp_suite::aead_aes_256_gcm;
}

// A session key or salt of `key` (RFC 3711 §4.3), through the derivation tested on its own below.
bytes session_key(srtp_key const& key, label l, std::size_t n) {
  std::size_t const k = media::master_key_length(key.suite);
  std::span<std::uint8_t const> const all(key.key_salt);
  bytes out(n);
  REQUIRE(crypto::derive(all.first(k), all.subspan(k), l, out));
  return out;
}

// What protect_rtp must produce for `plain` with rollover counter `roc`, built directly from the
// primitives: RFC 3711 §4.1.1 and §4.2 for AES-CM, RFC 7714 §8 for AES-GCM.
bytes reference_srtp(srtp_key const& key, bytes const& plain, std::uint32_t roc) {
  media::rtp_header h;
  REQUIRE(media::parse_rtp(plain, h) == std::error_code{});
  std::uint64_t const index = (std::uint64_t{roc} << 16) | h.sequence;
  bool const aead = is_aead(key.suite);
  std::size_t const key_length = media::master_key_length(key.suite);
  bytes const k = session_key(key, label::rtp_encryption, key_length);
  bytes const salt = session_key(key, label::rtp_salt, aead ? 12 : 14);
  bytes out = plain;
  std::size_t const payload = plain.size() - h.header_size;
  if (aead) {
    crypto::aes_gcm gcm;
    REQUIRE(gcm.init(k));
    out.resize(plain.size() + crypto::aes_gcm::tag_length);
    REQUIRE(gcm.seal(crypto::aes_gcm_iv(salt12(salt), h.ssrc, index), {out.data(), h.header_size},
                     {}, out.data() + h.header_size, payload, out.data() + plain.size()));
  } else {
    crypto::aes_ctr ctr;
    REQUIRE(ctr.init(k));
    REQUIRE(ctr.apply(crypto::aes_cm_iv(salt14(salt), h.ssrc, index), out.data() + h.header_size,
                      payload));
    crypto::hmac_sha1 mac;
    mac.init(session_key(key, label::rtp_authentication, 20));
    std::uint8_t const roc_octets[4] = {
        static_cast<std::uint8_t>(roc >> 24), static_cast<std::uint8_t>(roc >> 16),
        static_cast<std::uint8_t>(roc >> 8), static_cast<std::uint8_t>(roc)};
    std::array<std::uint8_t, 20> tag;
    mac.compute(out, roc_octets, tag);
    out.insert(out.end(), tag.begin(),
               tag.begin() + static_cast<std::ptrdiff_t>(media::srtp_overhead(key.suite)));
  }
  return out;
}

// The E flag and SRTCP index of an SRTCP packet without MKI (RFC 3711 §3.4, RFC 7714 §9).
std::uint32_t srtcp_e_index(srtp_suite s, bytes const& p) {
  std::size_t const at = p.size() - (is_aead(s) ? 4 : 4 + 10);
  return (std::uint32_t{p[at]} << 24) | (std::uint32_t{p[at + 1]} << 16) |
         (std::uint32_t{p[at + 2]} << 8) | p[at + 3];
}

}  // namespace

TEST_CASE("SRTP crypto: RFC 3711 Appendix B.3 key derivation") {
  bytes const master_key = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  bytes const master_salt = hex("0EC675AD498AFEEBB6960B3AABE6");
  auto const derive = [&](label l, std::size_t n) {
    bytes out(n);
    REQUIRE(crypto::derive(master_key, master_salt, l, out));
    return out;
  };
  CHECK(derive(label::rtp_encryption, 16) == hex("C61E7A93744F39EE10734AFE3FF7A087"));
  CHECK(derive(label::rtp_salt, 14) == hex("30CBBC08863D8C85D49DB34A9AE1"));
  CHECK(derive(label::rtp_authentication, 20) == hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"));
  // B.3 lists 94 octets of the authentication PRF output.
  CHECK(derive(label::rtp_authentication, 94) ==
        hex("CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
            "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
            "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2"));
  // The SRTCP labels give other keys.
  CHECK(derive(label::rtcp_encryption, 16) != derive(label::rtp_encryption, 16));

  bytes out(16);
  bytes const short_key(master_key.begin(), master_key.end() - 1);
  bytes const short_salt(master_salt.begin(), master_salt.end() - 1);
  CHECK_FALSE(crypto::derive(short_key, master_salt, label::rtp_encryption, out));
  CHECK_FALSE(crypto::derive(master_key, short_salt, label::rtp_encryption, out));
}

TEST_CASE("SRTP crypto: RFC 3711 Appendix B.2 AES-CM keystream") {
  bytes const salt = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
  auto const iv = crypto::aes_cm_iv(salt14(salt), 0, 0);
  CHECK(bytes(iv.begin(), iv.end()) == hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"));
  crypto::aes_ctr ctr;
  REQUIRE(ctr.init(hex("2B7E151628AED2A6ABF7158809CF4F3C")));
  // Through counter ...FCFF0001, so that the counter carries across octets.
  bytes keystream(0xff02 * 16);
  REQUIRE(ctr.apply(iv, keystream.data(), keystream.size()));
  auto const block = [&](std::size_t i) {
    return bytes(keystream.begin() + static_cast<std::ptrdiff_t>(i * 16),
                 keystream.begin() + static_cast<std::ptrdiff_t>(i * 16 + 16));
  };
  CHECK(block(0x0000) == hex("E03EAD0935C95E80E166B16DD92B4EB4"));
  CHECK(block(0x0001) == hex("D23513162B02D0F72A43A2FE4A5F97AB"));
  CHECK(block(0x0002) == hex("41E95B3BB0A2E8DD477901E4FCA894C0"));
  CHECK(block(0xfeff) == hex("EC8CDF7398607CB0F2D21675EA9EA1E4"));
  CHECK(block(0xff00) == hex("362B7C3C6773516318A077D7FC5073AE"));
  CHECK(block(0xff01) == hex("6A2CC3787889374FBEB4C81B17BA6C44"));

  // RFC 3711 §4.1.1: the SSRC lands in octets 4-7 and the 48-bit index in octets 8-13.
  auto const placed = crypto::aes_cm_iv(salt14(bytes(14)), 0x01020304, 0x556677889900);
  CHECK(bytes(placed.begin(), placed.end()) == hex("0000000001020304 5566778899000000"));
}

TEST_CASE("SRTP crypto: RFC 7714 §16 and §17 AES-GCM vectors") {
  bytes const salt = hex("517569642070726f2071756f");  // "Quid pro quo"
  bytes const key128 = hex("000102030405060708090a0b0c0d0e0f");
  bytes const key256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  bytes const rtp = hex(
      "8040f17b8041f8d35501a0b2 47616c6c696120657374206f6d6e69732064697669736120696e20706172746573"
      "2074726573");
  bytes const rtcp =
      hex("81c8000d4d617273 4e5450314e545032525450200000042a0000e9304c756e61"
          "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");

  // RFC 7714 §8.1: SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b; §9.1: SSRC "Mars", SRTCP index 0x5d4.
  auto const rtp_iv = crypto::aes_gcm_iv(salt12(salt), 0x5501a0b2, 0xf17b);
  CHECK(bytes(rtp_iv.begin(), rtp_iv.end()) == hex("51753c6580c2726f20718414"));
  auto const rtcp_iv = crypto::aes_gcm_iv(salt12(salt), 0x4d617273, 0x5d4);
  CHECK(bytes(rtcp_iv.begin(), rtcp_iv.end()) == hex("517524055203726f207170bb"));

  struct row {
    char const* what;
    bytes const& key;
    bytes const& plain;
    std::size_t clear;  // octets of AAD at the front
    std::array<std::uint8_t, 12> iv;
    bytes aad_tail;             // SRTCP: E|index
    std::string_view expected;  // clear part, ciphertext, tag
  };
  row const rows[] = {
      {"SRTP AES-128",
       key128,
       rtp,
       12,
       rtp_iv,
       {},
       "8040f17b8041f8d35501a0b2 f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b"
       "36de3adf8833 899d7f27beb16a9152cf765ee4390cce"},
      {"SRTP AES-256",
       key256,
       rtp,
       12,
       rtp_iv,
       {},
       "8040f17b8041f8d35501a0b2 32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f"
       "1ba63799b87b 7aa3db36dfffd6b0f9bb7878d7a76c13"},
      {"SRTCP AES-128", key128, rtcp, 8, rtcp_iv, hex("800005d4"),
       "81c8000d4d617273 63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b46"
       "86303ded0bb9275bc84aa458 96cf4d2fc5abf87245d9eade"},
      {"SRTCP AES-256", key256, rtcp, 8, rtcp_iv, hex("800005d4"),
       "81c8000d4d617273 d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658"
       "c61de0476f1b6fad 1d1eb30c4446839f57ff6f6cb26ac3be"},
  };
  for (auto const& r : rows) {
    CAPTURE(r.what);
    crypto::aes_gcm gcm;
    REQUIRE(gcm.init(r.key));
    bytes sealed = r.plain;
    sealed.resize(r.plain.size() + crypto::aes_gcm::tag_length);
    std::size_t const n = r.plain.size() - r.clear;
    REQUIRE(gcm.seal(r.iv, {sealed.data(), r.clear}, r.aad_tail, sealed.data() + r.clear, n,
                     sealed.data() + r.plain.size()));
    CHECK(sealed == hex(r.expected));

    bytes opened = hex(r.expected);
    REQUIRE(gcm.open(r.iv, {opened.data(), r.clear}, r.aad_tail, opened.data() + r.clear, n,
                     opened.data() + r.plain.size()));
    opened.resize(r.plain.size());
    CHECK(opened == r.plain);

    bytes forged = hex(r.expected);
    forged[r.clear + 1] ^= 0x01;
    CHECK_FALSE(gcm.open(r.iv, {forged.data(), r.clear}, r.aad_tail, forged.data() + r.clear, n,
                         forged.data() + r.plain.size()));
  }
}

TEST_CASE("SRTP crypto: HMAC-SHA1 (RFC 2202 test cases 1, 2 and 6)") {
  auto const text = [](std::string_view s) { return bytes(s.begin(), s.end()); };
  auto const mac = [](bytes const& key, bytes const& message, std::size_t split) {
    crypto::hmac_sha1 h;
    h.init(key);
    std::array<std::uint8_t, 20> out;
    std::span<std::uint8_t const> const m(message);
    h.compute(m.first(split), m.subspan(split), out);
    return bytes(out.begin(), out.end());
  };
  struct row {
    bytes key;
    bytes message;
    std::string_view digest;
  };
  row const rows[] = {
      {bytes(20, 0x0b), text("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
      {text("Jefe"), text("what do ya want for nothing?"),
       "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {bytes(80, 0xaa), text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
  };
  for (auto const& r : rows) {
    CAPTURE(r.digest);
    // The message may be split anywhere between compute()'s two parts.
    for (std::size_t split = 0; split <= r.message.size(); ++split) {
      CHECK(mac(r.key, r.message, split) == hex(r.digest));
    }
  }
}

TEST_CASE("SRTP: the rollover counter advances across sequence 65535 -> 0 (RFC 3711 §3.3.1)") {
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    std::uint32_t const ssrc = 0x5eed0001;
    std::vector<bytes> sent;
    for (std::uint32_t i = 0; i < 20; ++i) {
      auto const seq = static_cast<std::uint16_t>(65526 + i);  // 65526 .. 65535, 0 .. 9
      bytes const plain = rtp_packet(ssrc, seq, 40);
      buffer b(plain);
      REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
      // The sender's ROC is 1 after the wrap, checked against the primitives, not just against
      // our own receiver.
      CHECK(b.view() == reference_srtp(key, plain, seq < 100 ? 1 : 0));
      sent.push_back(b.view());
      REQUIRE(unprotect(in, b, kind::rtp) == std::error_code{});
      CHECK(b.view() == plain);
    }

    // A receiver that sees the wrap out of order: 65534, 0, 65535, 1, then 65533 twice.
    srtp_context late = make(key, srtp_direction::inbound);
    for (std::size_t i : {8u, 10u, 9u, 11u, 7u}) {
      CAPTURE(i);
      buffer b(sent[i]);
      REQUIRE(unprotect(late, b, kind::rtp) == std::error_code{});
      CHECK(b.view() == rtp_packet(ssrc, static_cast<std::uint16_t>(65526 + i), 40));
    }
    buffer again(sent[7]);
    CHECK(unprotect(late, again, kind::rtp) == srtp_errc::replayed);
    buffer again_after_wrap(sent[10]);
    CHECK(unprotect(late, again_after_wrap, kind::rtp) == srtp_errc::replayed);
  }
}

TEST_CASE("SRTP: the replay windows take reordering and refuse what is older (RFC 3711 §3.3.2)") {
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    std::size_t const w = srtp_context::srtp_replay_window;
    std::size_t const n = w + 200;
    std::vector<bytes> rtp;
    std::vector<bytes> rtcp;
    for (std::size_t i = 0; i < n; ++i) {
      buffer b(rtp_packet(9, static_cast<std::uint16_t>(i), 8));
      REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
      rtp.push_back(b.view());
      buffer c(rtcp_packet(9, static_cast<std::uint32_t>(i)));
      REQUIRE(protect(out, c, kind::rtcp) == std::error_code{});
      rtcp.push_back(c.view());
    }
    auto const rtp_at = [&](std::size_t i) {
      buffer b(rtp[i]);
      return unprotect(in, b, kind::rtp);
    };
    auto const rtcp_at = [&](std::size_t i) {
      buffer b(rtcp[i]);
      return unprotect(in, b, kind::rtcp);
    };
    std::size_t const top = n - 1;
    REQUIRE(rtp_at(top) == std::error_code{});
    CHECK(rtp_at(top - 1) == std::error_code{});
    CHECK(rtp_at(top - 500) == std::error_code{});
    CHECK(rtp_at(top - (w - 1)) == std::error_code{});  // the oldest the window holds
    CHECK(rtp_at(top - w) == srtp_errc::too_old);
    CHECK(rtp_at(top - 500) == srtp_errc::replayed);
    CHECK(rtp_at(top - 2) == std::error_code{});

    std::size_t const wc = srtp_context::srtcp_replay_window;
    REQUIRE(rtcp_at(top) == std::error_code{});
    CHECK(rtcp_at(top - 3) == std::error_code{});
    CHECK(rtcp_at(top - (wc - 1)) == std::error_code{});
    CHECK(rtcp_at(top - wc) == srtp_errc::too_old);
    CHECK(rtcp_at(top - 3) == srtp_errc::replayed);
    CHECK(rtcp_at(top - 4) == std::error_code{});

    // The relay forwards reordered packets: an outbound context takes an index it has not used
    // within its window, and refuses one it has used or one behind the window.
    buffer seq_late(rtp_packet(10, 3000));
    REQUIRE(protect(out, seq_late, kind::rtp) == std::error_code{});
    buffer reordered(rtp_packet(10, 2999));
    CHECK(protect(out, reordered, kind::rtp) == std::error_code{});
    buffer repeated(rtp_packet(10, 2999));
    CHECK(protect(out, repeated, kind::rtp) == srtp_errc::replayed);
    buffer behind(rtp_packet(10, static_cast<std::uint16_t>(3000 - w)));
    CHECK(protect(out, behind, kind::rtp) == srtp_errc::too_old);
  }
}

TEST_CASE("SRTP: more SSRCs than the table holds replace the least recently used") {
  std::size_t const many = 3 * srtp_context::max_ssrcs;
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    auto const round_trip = [&](bytes const& plain, kind k) {
      buffer b(plain);
      REQUIRE(protect(out, b, k) == std::error_code{});
      bytes const secured = b.view();
      REQUIRE(unprotect(in, b, k) == std::error_code{});
      CHECK(b.view() == plain);
      return secured;
    };

    // A steady stream keeps its state while `many` others come and go around it.
    std::uint32_t const steady = 0x57ead7;
    bytes const steady_first = round_trip(rtp_packet(steady, 100), kind::rtp);
    for (std::uint32_t i = 0; i < many; ++i) {
      std::uint32_t const ssrc = 0x1000 + i;
      for (std::uint16_t seq = 1; seq <= 3; ++seq) round_trip(rtp_packet(ssrc, seq), kind::rtp);
      round_trip(rtcp_packet(ssrc, i), kind::rtcp);
      round_trip(rtp_packet(steady, static_cast<std::uint16_t>(101 + i)), kind::rtp);
    }
    buffer replay(steady_first);
    CHECK(unprotect(in, replay, kind::rtp) == srtp_errc::replayed);

    // An SSRC that was replaced on both sides comes back and still works.
    for (std::uint16_t seq = 10; seq <= 12; ++seq) round_trip(rtp_packet(0x1000, seq), kind::rtp);

    // Its SRTCP indices do not start again at 1, which would reuse keystream (RFC 3711 §9.1).
    srtp_context rtcp_out = make(key, srtp_direction::outbound);
    std::uint32_t last_index = 0;
    for (std::uint32_t i = 0; i < 3; ++i) {
      buffer b(rtcp_packet(0xaaaa, i));
      REQUIRE(protect(rtcp_out, b, kind::rtcp) == std::error_code{});
      last_index = srtcp_e_index(suite, b.view());
    }
    CHECK(last_index == 0x80000003);
    for (std::uint32_t i = 0; i < many; ++i) {
      buffer b(rtcp_packet(0xbbbb0000 + i, i));
      REQUIRE(protect(rtcp_out, b, kind::rtcp) == std::error_code{});
    }
    buffer back(rtcp_packet(0xaaaa, 99));
    REQUIRE(protect(rtcp_out, back, kind::rtcp) == std::error_code{});
    CHECK((srtcp_e_index(suite, back.view()) & 0x7fffffff) > 3);
    REQUIRE(unprotect(in, back, kind::rtcp) == std::error_code{});
    CHECK(back.view() == rtcp_packet(0xaaaa, 99));
  }
}

TEST_CASE("SRTP: CSRCs and a header extension stay in the clear and are authenticated") {
  // V=2, X=1, CC=2, two CSRCs, then a one-word RFC 8285 one-byte-header extension.
  bytes plain = hex("92 00 1234 00000010 0000abcd 00000001 00000002 bede0001 10ff0000");
  bytes const payload(50, 0x5a);
  plain.insert(plain.end(), payload.begin(), payload.end());
  std::size_t const header = 12 + 8 + 8;
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    buffer b(plain);
    REQUIRE(protect(out, b, kind::rtp) == std::error_code{});
    bytes const secured = b.view();
    CHECK(bytes(secured.begin(), secured.begin() + header) ==
          bytes(plain.begin(), plain.begin() + header));
    CHECK(secured == reference_srtp(key, plain, 0));
    for (std::size_t at : {std::size_t{13}, std::size_t{25}}) {  // a CSRC, the extension
      buffer flipped(secured);
      flipped.storage[at] ^= 0x80;
      CHECK(unprotect(in, flipped, kind::rtp) == srtp_errc::auth_failed);
    }
    REQUIRE(unprotect(in, b, kind::rtp) == std::error_code{});
    CHECK(b.view() == plain);
  }
}

TEST_CASE("SRTCP: authentication-only packets (E flag clear) are accepted unchanged") {
  bytes const rtcp = rtcp_packet(0x0badcafe, 77);
  std::uint8_t const e_index[4] = {0x00, 0x00, 0x00, 0x07};  // E = 0, index 7
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    bytes packet = rtcp;
    if (is_aead(suite)) {
      // RFC 7714 §9.3: the whole packet and E|index are AAD, the tag follows the packet.
      crypto::aes_gcm gcm;
      REQUIRE(gcm.init(session_key(key, label::rtcp_encryption, media::master_key_length(suite))));
      bytes const salt = session_key(key, label::rtcp_salt, 12);
      packet.resize(rtcp.size() + 16);
      REQUIRE(gcm.seal(crypto::aes_gcm_iv(salt12(salt), 0x0badcafe, 7), rtcp, e_index, nullptr, 0,
                       packet.data() + rtcp.size()));
      packet.insert(packet.end(), std::begin(e_index), std::end(e_index));
    } else {
      // RFC 3711 §3.4: E|index, then the 80-bit tag over the packet and E|index.
      packet.insert(packet.end(), std::begin(e_index), std::end(e_index));
      crypto::hmac_sha1 mac;
      mac.init(session_key(key, label::rtcp_authentication, 20));
      std::array<std::uint8_t, 20> tag;
      mac.compute(packet, {}, tag);
      packet.insert(packet.end(), tag.begin(), tag.begin() + 10);
    }
    srtp_context in = make(key, srtp_direction::inbound);
    buffer tampered(packet);
    tampered.storage[12] ^= 0x01;
    CHECK(unprotect(in, tampered, kind::rtcp) == srtp_errc::auth_failed);
    buffer b(packet);
    REQUIRE(unprotect(in, b, kind::rtcp) == std::error_code{});
    CHECK(b.view() == rtcp);
    buffer again(packet);
    CHECK(unprotect(in, again, kind::rtcp) == srtp_errc::replayed);
  }
}

namespace {

// An RTP packet of 12 + 160 octets written into `p` without allocating.
void fill_rtp(std::uint8_t* p, std::uint32_t ssrc, std::uint16_t seq) {
  std::uint8_t const header[12] = {0x80,
                                   0x00,
                                   static_cast<std::uint8_t>(seq >> 8),
                                   static_cast<std::uint8_t>(seq),
                                   0,
                                   0,
                                   0,
                                   0,
                                   static_cast<std::uint8_t>(ssrc >> 24),
                                   static_cast<std::uint8_t>(ssrc >> 16),
                                   static_cast<std::uint8_t>(ssrc >> 8),
                                   static_cast<std::uint8_t>(ssrc)};
  std::copy(std::begin(header), std::end(header), p);
  for (std::size_t i = 12; i < 172; ++i) p[i] = static_cast<std::uint8_t>(seq + i);
}

// An RR with one report block (32 octets) written into `p` without allocating.
void fill_rtcp(std::uint8_t* p, std::uint32_t ssrc, std::uint32_t n) {
  std::uint8_t const rr[8] = {0x81,
                              201,
                              0,
                              7,
                              static_cast<std::uint8_t>(ssrc >> 24),
                              static_cast<std::uint8_t>(ssrc >> 16),
                              static_cast<std::uint8_t>(ssrc >> 8),
                              static_cast<std::uint8_t>(ssrc)};
  std::copy(std::begin(rr), std::end(rr), p);
  for (std::size_t i = 8; i < 32; ++i) p[i] = static_cast<std::uint8_t>(n + i);
}

constexpr std::size_t rtp_size = 172;
constexpr std::size_t rtcp_size = 32;
using packet_buffer = std::array<std::uint8_t, rtp_size + media::srtp_max_trailer>;

// Protects and unprotects RTP and RTCP from `ssrc_count` SSRCs from `first_ssrc` in turn, and
// feeds the inbound context a forged and a replayed packet now and then; returns the calls that
// did not give the expected result. Allocates nothing itself.
int churn(srtp_context& out, srtp_context& in, int packets, std::uint32_t first_ssrc,
          std::uint32_t ssrc_count, std::uint16_t first_seq) {
  int failures = 0;
  packet_buffer b{};
  packet_buffer forged{};
  packet_buffer replay{};
  for (int i = 0; i < packets; ++i) {
    std::uint32_t const ssrc = first_ssrc + static_cast<std::uint32_t>(i) % ssrc_count;
    auto const seq = static_cast<std::uint16_t>(first_seq + i / static_cast<int>(ssrc_count));
    fill_rtp(b.data(), ssrc, seq);
    std::size_t length = rtp_size;
    if (out.protect_rtp(b.data(), length, b.size())) ++failures;
    std::size_t const secured_length = length;
    bool const probe = i % 100 == 0;
    if (probe) {
      forged = b;
      replay = b;
      forged[40] ^= 0x01;
      std::size_t forged_length = secured_length;
      if (in.unprotect_rtp(forged.data(), forged_length, forged.size()) != srtp_errc::auth_failed)
        ++failures;
    }
    if (in.unprotect_rtp(b.data(), length, b.size()) || length != rtp_size) ++failures;
    if (probe) {
      std::size_t replay_length = secured_length;
      if (in.unprotect_rtp(replay.data(), replay_length, replay.size()) != srtp_errc::replayed)
        ++failures;
    }
    fill_rtcp(b.data(), ssrc, static_cast<std::uint32_t>(i));
    length = rtcp_size;
    if (out.protect_rtcp(b.data(), length, b.size())) ++failures;
    if (in.unprotect_rtcp(b.data(), length, b.size()) || length != rtcp_size) ++failures;
  }
  return failures;
}

}  // namespace

TEST_CASE("SRTP: no allocation per packet (DESIGN.md, media threads)") {
  REQUIRE(openssl_counting);  // the counters were in place before OpenSSL's first allocation
  for (auto const suite : every_suite) {
    CAPTURE(media::to_string(suite));
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    CHECK(churn(out, in, 100, 1, 1, 60000) == 0);  // warm-up

    long const openssl_before = openssl_allocations.load();
    long const heap_before = heap_allocations.load();
    // 10,000 packets of one SSRC, across the sequence number wrap, then SSRCs beyond the table.
    int const failures = churn(out, in, 10000, 1, 1, 60100) +
                         churn(out, in, 10000, 100, srtp_context::max_ssrcs + 8, 1000);
    long const openssl_after = openssl_allocations.load();
    long const heap_after = heap_allocations.load();
    CHECK(failures == 0);
    CHECK(openssl_after == openssl_before);
    CHECK(heap_after == heap_before);
  }
  // The counters do count: making a context allocates.
  long const before = openssl_allocations.load() + heap_allocations.load();
  srtp_context c = make(srtp_key::generate(srtp_suite::aead_aes_128_gcm), srtp_direction::inbound);
  CHECK(openssl_allocations.load() + heap_allocations.load() > before);
}

TEST_CASE("SRTP: time to protect and unprotect a 172-octet RTP packet") {
#if defined(__SANITIZE_ADDRESS__)
  std::string_view const build = " (AddressSanitizer build)";
#else
  std::string_view const build = "";
#endif
  constexpr int n = 20000;
  std::vector<packet_buffer> packets(n);
  for (auto const suite : every_suite) {
    srtp_key const key = srtp_key::generate(suite);
    srtp_context out = make(key, srtp_direction::outbound);
    srtp_context in = make(key, srtp_direction::inbound);
    for (int i = 0; i < n; ++i) fill_rtp(packets[i].data(), 7, static_cast<std::uint16_t>(i));
    std::vector<std::size_t> lengths(n, rtp_size);
    int failures = 0;
    auto const t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (out.protect_rtp(packets[i].data(), lengths[i], packets[i].size())) ++failures;
    }
    auto const t1 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      if (in.unprotect_rtp(packets[i].data(), lengths[i], packets[i].size())) ++failures;
    }
    auto const t2 = std::chrono::steady_clock::now();
    CHECK(failures == 0);
    auto const per_packet = [](auto d) {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() / n;
    };
    MESSAGE(media::to_string(suite)
            << ": protect " << per_packet(t1 - t0) << " ns, unprotect " << per_packet(t2 - t1)
            << " ns per 172-octet RTP packet" << build);
  }
}
