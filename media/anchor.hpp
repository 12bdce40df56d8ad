#pragma once

// Anchoring media in the relay, as pure functions over SDP: what one side's description says
// about its streams (learn_remote), and the description the other side gets, with the relay's
// address and ports in place of the first side's (write_anchored). The media session decides
// the plan; these functions only read and write SDP.

#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "media/ip_address.hpp"
#include "media/sdp.hpp"

namespace gatehouse::media {

/// One a=crypto line (RFC 4568 §9.1), owning its text.
struct crypto_line {
  std::uint32_t tag = 0;       ///< 1..999999999
  std::string suite;           ///< "AES_CM_128_HMAC_SHA1_80", ...
  std::string key_params;      ///< "inline:..." (several separated by ';')
  std::string session_params;  ///< e.g. "UNENCRYPTED_SRTCP"; empty when none

  friend bool operator==(crypto_line const&, crypto_line const&) = default;
};

/// What a side's SDP says about one m= section.
struct remote_stream {
  std::string media_type;  ///< "audio", "video", ...
  std::uint16_t port = 0;  ///< the m= port; 0 rejects or disables the stream (RFC 3264 §6)
  std::string protocol;    ///< the m= protocol as written
  transport_protocol transport = transport_protocol::other;  ///< the protocol, classified
  /// Where the side receives RTP: the effective c= (media level, else session level) and the m=
  /// port. nullopt for a rejected stream, a c= hold address (0.0.0.0 or ::, RFC 3264 §8.4), or
  /// a c= that is an FQDN (no resolving here: latching finds the real source).
  std::optional<socket_address> rtp;
  /// Where the side receives RTCP: a=rtcp (RFC 3605), else the RTP port + 1 (RFC 3550 §11); the
  /// RTP address under a=rtcp-mux (RFC 5761).
  std::optional<socket_address> rtcp;
  /// The effective c= is 0.0.0.0 or :: without ICE: hold (RFC 3264 §8.4). Under ICE it only
  /// means that no default candidate is known yet (RFC 8840 §4.1.1).
  bool hold_address = false;
  bool rtcp_mux = false;  ///< a=rtcp-mux is present (RFC 5761 §5.1.1)
  media_direction direction = media_direction::sendrecv;  ///< effective (RFC 8866 §6.7)
  std::vector<crypto_line> cryptos;  ///< the well-formed a=crypto lines, in order (RFC 4568)
  bool ice = false;                  ///< a=candidate lines were present (RFC 8839)
};

/// True for the RTP profiles the relay anchors with SDES: RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF.
bool is_anchorable(transport_protocol p) noexcept;

/// Reads every m= section of `sdp` into `out` (one entry per section, in order). Error:
/// session_errc::missing_connection when a stream with a non-zero port has no c= at either
/// level (RFC 8866 §5.7). Malformed a=rtcp and a=crypto lines are ignored.
std::error_code learn_remote(session_description const& sdp, std::vector<remote_stream>& out);

/// How the relay appears in one m= section of the SDP written to a side.
struct stream_plan {
  bool enabled = false;        ///< false: written with port 0, no relay port (RFC 3264 §6, §8.2)
  std::uint16_t rtp_port = 0;  ///< the relay's RTP port on this side
  /// The relay's RTCP port on this side, written as a=rtcp when the input had one or when it is
  /// not rtp_port + 1 (RFC 3605). nullopt: RTCP is multiplexed and a=rtcp is removed.
  std::optional<std::uint16_t> rtcp_port;
  bool rtcp_mux = false;             ///< write a=rtcp-mux (RFC 5761 §5.1.1)
  std::string protocol;              ///< the m= protocol to write; empty: keep the input's
  std::vector<crypto_line> cryptos;  ///< exactly the a=crypto lines to write (RFC 4568)
};

/// The o= line of the SDP written to a side: one session id, a version that grows on change.
struct origin_plan {
  std::string username = "-";         ///< o= username
  std::uint64_t session_id = 0;       ///< kept for the whole call (RFC 3264 §8)
  std::uint64_t session_version = 0;  ///< +1 whenever the content changes (RFC 3264 §8)
};

/// Everything write_anchored needs to present the relay to one side.
struct anchor_plan {
  ip_address address;                ///< the relay's advertised address on this side
  origin_plan origin;                ///< the o= line to write
  std::vector<stream_plan> streams;  ///< one per m= section of the input, in order
};

/// Writes into `out` the SDP a side gets for `from_peer` (the other side's offer or answer):
/// - o= is the plan's, with the relay's address; c= is the relay's address at the session level
///   (when the input had one) and at the media level (when the stream had one, or when there
///   is no session-level c=);
/// - an enabled stream gets the relay port, the plan's protocol and a=crypto lines, a=rtcp
///   rewritten or removed and a=rtcp-mux as planned; a disabled stream gets port 0 and loses
///   its a=crypto, a=rtcp and a=rtcp-mux lines;
/// - ICE (RFC 8839), DTLS (RFC 8842: a=fingerprint, a=setup, a=tls-id), a=rtcp-mux-only
///   (RFC 8858) and a=group:BUNDLE (RFC 8843) lines go: the relay is the media endpoint;
/// - direction attributes pass unchanged, except that a c= hold address (0.0.0.0 or ::),
///   replaced by the relay's address, becomes the direction it stood for (RFC 3264 §8.4):
///   sendrecv becomes sendonly and recvonly becomes inactive (not under ICE: see hold_address);
/// - every other line is kept, in order.
/// Error: session_errc::media_count_mismatch when the plan does not have one stream per m=.
std::error_code write_anchored(session_description const& from_peer, anchor_plan const& plan,
                               session_description& out);

}  // namespace gatehouse::media
