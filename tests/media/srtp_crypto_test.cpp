// SRTP: the primitives (key derivation, AES-CM keystream, AES-GCM, HMAC-SHA1) against RFC vectors,
// and the packet index: rollover across 65535 -> 0, replay windows, the SSRC table, SRTCP.

#include "media/srtp_crypto.hpp"
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
