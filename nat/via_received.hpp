#pragma once

#include <system_error>

#include "sip/message.hpp"
#include "sip/peer.hpp"

namespace gatehouse::nat {

/// How responses find their way back (a per-listener setting).
enum class response_routing : std::uint8_t {
  symmetric,  ///< to the request's source address and port, as if it carried rport (RFC 3581)
  rfc3261,    ///< to received (or sent-by) and the sent-by port (RFC 3261 §18.2.2)
};

/// Records on a received request's top Via where it really came from (RFC 3261 §18.2.1,
/// RFC 3581 §4): `received` when the source IP differs from the sent-by host, and `rport` set
/// to the source port when the Via asked for it with an empty rport, or always under symmetric
/// routing. Errors: sip::errc::missing_header, bad_header_value (no usable top Via).
std::error_code stamp_received(sip::message& request, sip::peer const& source,
                               response_routing routing);

/// Where to send a response whose request came from `source`. Stream transports answer on the
/// connection the request came on (when the caller finds it still open, else per §18.2.2 to
/// received/sent-by). Over UDP: symmetric routing uses the source; RFC 3261 routing uses maddr
/// if present, else received (or the sent-by host) with rport's value, else the sent-by port.
/// Errors: sip::errc::missing_header, bad_header_value.
std::error_code response_destination(sip::message const& response, sip::peer const& source,
                                     response_routing routing, sip::peer& out);

}  // namespace gatehouse::nat
