#pragma once
// Helpers shared by the SRTP test files: hex octets, heap buffers sized exactly to what the API
// promises to need (so AddressSanitizer sees any overrun), contexts and packets.

#include <doctest/doctest.h>
#include <openssl/crypto.h>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include "media/rtp.hpp"
#include "media/srtp.hpp"
#include "media/srtp_crypto.hpp"

namespace media = gatehouse::media;
using media::srtp_context;
using media::srtp_direction;
using media::srtp_errc;
using media::srtp_key;
using media::srtp_suite;

namespace {

using bytes = std::vector<std::uint8_t>;

// Hex digits to octets; spaces between groups are skipped.
inline bytes hex(std::string_view s) {
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

inline std::error_code protect(srtp_context& c, buffer& b, kind k) {
  return k == kind::rtp ? c.protect_rtp(b.data(), b.length, b.capacity())
                        : c.protect_rtcp(b.data(), b.length, b.capacity());
}
inline std::error_code unprotect(srtp_context& c, buffer& b, kind k) {
  return k == kind::rtp ? c.unprotect_rtp(b.data(), b.length, b.capacity())
                        : c.unprotect_rtcp(b.data(), b.length, b.capacity());
}

// Unprotects a copy of `packet` in a heap buffer of exactly its size, so that AddressSanitizer
// sees any read past its end.
inline std::error_code unprotect_exact(srtp_context& c, bytes packet, kind k) {
  std::size_t length = packet.size();
  return k == kind::rtp ? c.unprotect_rtp(packet.data(), length, packet.size())
                        : c.unprotect_rtcp(packet.data(), length, packet.size());
}

inline srtp_context make(srtp_key const& key, srtp_direction d) {
  srtp_context c;
  REQUIRE(srtp_context::make(key, d, c) == std::error_code{});
  return c;
}

inline srtp_key key_of(srtp_suite s, std::string_view key_hex, std::string_view salt_hex) {
  srtp_key k;
  k.suite = s;
  k.key_salt = hex(key_hex);
  bytes const salt = hex(salt_hex);
  k.key_salt.insert(k.key_salt.end(), salt.begin(), salt.end());
  return k;
}

inline void put32(bytes& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<std::uint8_t>(v >> shift));
}

// RTP packet: V=2, PT 0, the given sequence number, timestamp 160 per packet, `size` octets of
// payload derived from the sequence number.
inline bytes rtp_packet(std::uint32_t ssrc, std::uint16_t seq, std::size_t size = 160) {
  bytes b = {0x80, 0x00, static_cast<std::uint8_t>(seq >> 8), static_cast<std::uint8_t>(seq)};
  put32(b, 160u * seq);
  put32(b, ssrc);
  for (std::size_t i = 0; i < size; ++i) b.push_back(static_cast<std::uint8_t>(seq * 7 + i));
  return b;
}

// An RR from `ssrc` with one report block whose extended highest sequence is `n`.
inline bytes rtcp_packet(std::uint32_t ssrc, std::uint32_t n) {
  bytes b = {0x81, 201, 0, 7};
  for (std::uint32_t v : {ssrc, 0x12345678u, 0u, n, 5u, 0u, 0u}) put32(b, v);
  return b;
}

constexpr auto const& every_suite = media::all_srtp_suites;
}  // namespace
