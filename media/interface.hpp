#pragma once

// A named media interface: the address the relay binds its media sockets to, the address it
// writes into SDP, and the ports it may use there. Every media session uses one interface per
// side; the interfaces outlive the sessions that use them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "media/ip_address.hpp"
#include "media/port_pool.hpp"

namespace gatehouse::media {

/// What can be wrong with an interface's configuration.
enum class interface_errc {
  bad_bind_address = 1,            ///< the bind address is not an IPv4 or IPv6 literal
  bad_advertised_address,          ///< the advertised address is not an IPv4 or IPv6 literal
  unspecified_advertised_address,  ///< 0.0.0.0 or :: would be written into SDP (RFC 3264 §8.4)
  address_family_mismatch,         ///< bind and advertised are not both IPv4 or both IPv6
  empty_port_range,                ///< the range holds no even/odd port pair (RFC 3550 §11)
};

/// The category of interface_errc.
std::error_category const& interface_category() noexcept;

/// Makes an error_code from an interface_errc.
std::error_code make_error_code(interface_errc e) noexcept;

/// One media interface.
struct media_interface {
  std::string name;       ///< operator-given name, e.g. "public" or "core"
  ip_address bind;        ///< where the media sockets are bound
  ip_address advertised;  ///< written into SDP: the public address of a relay behind a 1:1 NAT
  port_pool ports;        ///< the RTP/RTCP ports on this interface
};

/// Builds an interface from configuration text. An empty `advertised` means "same as bind". A
/// wildcard bind (0.0.0.0, ::) needs an advertised address, since an unspecified address in c=
/// means hold (RFC 3264 §8.4). Errors: the interface_errc values.
std::error_code make_interface(std::string name, std::string_view bind, std::string_view advertised,
                               std::uint16_t first_port, std::uint16_t last_port,
                               std::chrono::milliseconds quarantine,
                               std::optional<media_interface>& out);

/// True for 0.0.0.0 and :: (the "unspecified" addresses, RFC 4291 §2.5.2).
bool is_unspecified(ip_address const& a) noexcept;

}  // namespace gatehouse::media

template <>
struct std::is_error_code_enum<gatehouse::media::interface_errc> : std::true_type {};
