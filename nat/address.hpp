#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "media/ip_address.hpp"

namespace gatehouse::nat {

/// IP addresses and their parser live in media/ (the relay needs them too); NAT logic uses the
/// same ones.
using media::ip_address;
using media::parse_ip;

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
