#pragma once

// Typed values of the SDP lines the model interprets: o=, c=, m=, b= and t= (RFC 8866 §5).
// Parsed values hold string_views into the text they were parsed from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "media/error.hpp"

namespace gatehouse::media {

/// The address types of c= and a=rtcp (RFC 8866 §5.7).
enum class address_type { ip4, ip6 };

/// "IP4" or "IP6".
std::string_view to_string(address_type t) noexcept;

/// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866 §5.2).
struct origin_info {
  std::string_view username = "-";     ///< "-" when the host has no user ids
  std::uint64_t session_id = 0;        ///< numeric session id
  std::uint64_t session_version = 0;   ///< increased on every change (RFC 3264 §8)
  std::string_view net_type = "IN";    ///< "IN" in practice; other tokens are kept
  std::string_view addr_type = "IP4";  ///< "IP4"/"IP6" in practice; other tokens are kept
  std::string_view address;            ///< address or FQDN of the originating host

  friend bool operator==(origin_info const&, origin_info const&) = default;
};

/// Parses the value of an o= line. Error: errc::malformed_origin.
origin_info parse_origin(std::string_view value, std::error_code& ec);

/// The value of an o= line for `o`.
std::string to_string(origin_info const& o);

/// c=IN <addrtype> <connection-address> (RFC 8866 §5.7), also the tail of a=rtcp (RFC 3605).
struct connection_info {
  address_type type = address_type::ip4;  ///< IP4 or IP6
  std::string_view address;               ///< address or FQDN, without any /suffix
  std::optional<std::uint8_t> ttl;        ///< IPv4 multicast TTL ("/ttl")
  std::optional<std::uint32_t> count;     ///< number of multicast addresses ("/n")

  friend bool operator==(connection_info const&, connection_info const&) = default;
};

/// Parses a c= value. Error: errc::malformed_connection.
connection_info parse_connection(std::string_view value, std::error_code& ec);

/// The value of a c= line for `c`.
std::string to_string(connection_info const& c);

/// The transport protocols gatehouse recognises in m= lines; the rest are `other`.
enum class transport_protocol {
  rtp_avp,            ///< RTP/AVP (RFC 3551)
  rtp_avpf,           ///< RTP/AVPF (RFC 4585)
  rtp_savp,           ///< RTP/SAVP (RFC 3711)
  rtp_savpf,          ///< RTP/SAVPF (RFC 5124)
  udp_tls_rtp_savp,   ///< UDP/TLS/RTP/SAVP (RFC 5764)
  udp_tls_rtp_savpf,  ///< UDP/TLS/RTP/SAVPF (RFC 5764)
  other,              ///< any other token, e.g. udp, UDP/DTLS/SCTP, TCP/MRCPv2
};

/// Classifies an m= protocol token (compared without regard to case).
transport_protocol classify_protocol(std::string_view proto) noexcept;

/// True for the SRTP profiles (SAVP, SAVPF, and their DTLS forms).
bool is_srtp(transport_protocol p) noexcept;

/// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 8866 §5.14).
struct media_info {
  std::string_view media;                   ///< "audio", "video", "application", ...
  std::uint16_t port = 0;                   ///< 0 rejects or disables the stream (RFC 3264 §6)
  std::optional<std::uint16_t> port_count;  ///< the "/<number of ports>" suffix, >= 1
  std::string_view protocol;                ///< "RTP/AVP", "UDP/TLS/RTP/SAVPF", ...
  std::string_view formats;                 ///< the format list as written, blank separated

  friend bool operator==(media_info const&, media_info const&) = default;
};

/// Parses an m= value. Errors: errc::malformed_media, errc::invalid_port.
media_info parse_media(std::string_view value, std::error_code& ec);

/// The value of an m= line for `m`.
std::string to_string(media_info const& m);

/// b=<bwtype>:<bandwidth> (RFC 8866 §5.8).
struct bandwidth_info {
  std::string_view type;    ///< "AS", "CT", "TIAS", ...
  std::uint64_t value = 0;  ///< kbit/s for AS and CT, bit/s for TIAS (RFC 3890)

  friend bool operator==(bandwidth_info const&, bandwidth_info const&) = default;
};

/// Parses a b= value. Error: errc::malformed_bandwidth.
bandwidth_info parse_bandwidth(std::string_view value, std::error_code& ec);

/// The value of a b= line for `b`.
std::string to_string(bandwidth_info const& b);

/// t=<start-time> <stop-time> in NTP seconds, 0 for unbounded (RFC 8866 §5.9).
struct timing_info {
  std::uint64_t start = 0;  ///< NTP start time, 0 for "now"
  std::uint64_t stop = 0;   ///< NTP stop time, 0 for "unbounded"

  friend bool operator==(timing_info const&, timing_info const&) = default;
};

/// Parses a t= value. Error: errc::malformed_timing.
timing_info parse_timing(std::string_view value, std::error_code& ec);

/// The value of a t= line for `t`.
std::string to_string(timing_info const& t);

}  // namespace gatehouse::media
