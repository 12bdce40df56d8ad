#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::media {

/// An IPv4 or IPv6 address in network byte order; IPv4 uses the first 4 bytes.
struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  friend bool operator==(ip_address const&, ip_address const&) = default;
};

/// Parses dotted-quad IPv4 or RFC 4291 §2.2 IPv6 text (brackets allowed around IPv6; an
/// IPv4-mapped ::ffff:a.b.c.d stays IPv6). nullopt when `text` is not an address.
std::optional<ip_address> parse_ip(std::string_view text) noexcept;

/// An address and port: where a media packet came from or goes to.
struct socket_address {
  ip_address ip;
  std::uint16_t port = 0;

  friend bool operator==(socket_address const&, socket_address const&) = default;
};

/// Writes an address as text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as ::).
std::string to_string(ip_address const& a);

}  // namespace gatehouse::media
