#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace gatehouse::nat {

/// An IPv4 or IPv6 address in network byte order; IPv4 uses the first 4 bytes.
struct ip_address {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};

  friend bool operator==(ip_address const&, ip_address const&) = default;
};

/// Parses dotted-quad IPv4 or RFC 4291 §2.2 IPv6 text (brackets allowed around IPv6; an
/// IPv4-mapped ::ffff:a.b.c.d stays IPv6). nullopt when `text` is not an address.
std::optional<ip_address> parse_ip(std::string_view text) noexcept;

/// Where an address can be reached from, which tells whether a peer is behind NAT.
enum class address_class : std::uint8_t {
  unspecified,  ///< 0.0.0.0, :: (RFC 1122, RFC 4291): "no address", e.g. SDP hold
  loopback,     ///< 127.0.0.0/8, ::1
  private_net,  ///< 10/8, 172.16/12, 192.168/16 (RFC 1918), fc00::/7 (RFC 4193)
  shared,       ///< 100.64/10, carrier-grade NAT (RFC 6598)
  link_local,   ///< 169.254/16 (RFC 3927), fe80::/10
  multicast,    ///< 224/4, ff00::/8
  public_net,   ///< everything else
};

/// Classifies an address. IPv4-mapped IPv6 addresses are classified as their IPv4 address.
address_class classify(ip_address const& a) noexcept;

/// True for addresses that cannot be reached from the public Internet: an endpoint that
/// advertises one of these in Via, Contact or SDP while its packets arrive from a public
/// source is behind NAT.
bool is_non_routable(address_class c) noexcept;

}  // namespace gatehouse::nat
