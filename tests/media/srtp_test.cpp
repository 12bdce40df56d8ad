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

#include "srtp_test_util.hpp"

namespace {

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
