// SRTP: SDES key parameters (RFC 4568) and the relay's bridging of SRTP and RTP between the two
// sides of a call, in process.

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
#include "media/srtp.hpp"
#include "media/srtp_crypto.hpp"

#include "srtp_test_util.hpp"

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
