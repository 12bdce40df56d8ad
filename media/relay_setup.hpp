#pragma once

#include <chrono>
#include <system_error>

#include "media/relay.hpp"
#include "media/session.hpp"

namespace gatehouse::media {

/// The SRTP key an SDES line carries. Errors: srtp_errc (unknown suite, bad key params).
std::error_code to_srtp_key(sdes_key const& sdes, srtp_key& out);

/// Brings a relay stream in line with a session's stream after an offer or answer: each side's
/// addresses from its SDP (with the re-learning window when they changed), rtcp-mux, and its
/// SRTP keys (contexts rebuilt only when the keys changed). Errors: those of to_srtp_key and
/// srtp_context::make; the relay stream is then unchanged for that side's keys.
std::error_code configure_relay(media_stream const& stream, relay_stream& relay,
                                std::chrono::steady_clock::time_point now,
                                std::chrono::milliseconds relearn);

}  // namespace gatehouse::media
