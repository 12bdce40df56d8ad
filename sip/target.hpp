#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "sip/peer.hpp"
#include "sip/uri.hpp"

namespace gatehouse::sip {

/// Where a request for a URI goes (RFC 3263 §4), as far as it can be decided without DNS.
struct target {
  transport_proto proto = transport_proto::udp;
  std::string host;           ///< an IP literal (no brackets) or a name to look up
  std::uint16_t port = 5060;  ///< explicit, or the transport's default
  bool host_is_ip = false;
  bool port_explicit = false;  ///< false: a name may still have SRV records (RFC 3263 §4.2)
  std::string server_name;     ///< for TLS: the name to verify (the URI host, RFC 5922 §7)
};

/// Picks transport, host and port for a SIP or SIPS URI (RFC 3263 §4.1, §4.2): maddr overrides
/// the host; a transport parameter names the transport (for sips: tcp means TLS, udp is refused);
/// otherwise sips means TLS and sip means UDP. A default port comes from the transport (5061 for
/// TLS). Errors: unsupported_uri_scheme (not sip/sips), bad_uri (sips with transport=udp, an
/// unknown transport, a bad maddr).
std::error_code resolve_target(uri const& u, target& out);

}  // namespace gatehouse::sip
