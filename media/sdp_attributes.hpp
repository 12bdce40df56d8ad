#pragma once

// Typed values of the SDP attributes gatehouse interprets. Each parse_* function takes the text
// after "a=<name>:" and returns a value holding string_views into that text; each to_string
// function gives the text to put back after "a=<name>:".

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "media/error.hpp"
#include "media/sdp_fields.hpp"

namespace gatehouse::media {

/// The stream direction attributes (RFC 8866 §6.7, RFC 3264 §5.1).
enum class media_direction { sendrecv, sendonly, recvonly, inactive };

/// The attribute name of a direction: "sendrecv", "sendonly", "recvonly" or "inactive".
std::string_view to_string(media_direction d) noexcept;

/// The direction an attribute name stands for, or nullopt when it names none.
std::optional<media_direction> direction_from_name(std::string_view name) noexcept;

/// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 8866 §6.6).
struct rtpmap_attribute {
  std::uint8_t payload_type = 0;          ///< 0..127
  std::string_view encoding_name;         ///< "PCMU", "opus", "telephone-event", ...
  std::uint32_t clock_rate = 0;           ///< Hz
  std::optional<std::uint32_t> channels;  ///< audio encoding parameter: channel count

  friend bool operator==(rtpmap_attribute const&, rtpmap_attribute const&) = default;
};

/// Parses an rtpmap value. Error: errc::malformed_rtpmap.
rtpmap_attribute parse_rtpmap(std::string_view value, std::error_code& ec);

/// The rtpmap value for `r`.
std::string to_string(rtpmap_attribute const& r);

/// a=fmtp:<payload type> <format specific parameters> (RFC 8866 §6.15).
struct fmtp_attribute {
  std::uint8_t payload_type = 0;  ///< 0..127
  std::string_view parameters;    ///< the parameter string as written, e.g. "0-15"

  friend bool operator==(fmtp_attribute const&, fmtp_attribute const&) = default;
};

/// Parses an fmtp value. Error: errc::malformed_fmtp.
fmtp_attribute parse_fmtp(std::string_view value, std::error_code& ec);

/// The fmtp value for `f`.
std::string to_string(fmtp_attribute const& f);

/// Parses a=ptime:<milliseconds, possibly fractional> (RFC 8866 §6.4). Error:
/// errc::malformed_ptime.
std::chrono::microseconds parse_ptime(std::string_view value, std::error_code& ec);

/// a=rtcp:<port> [<nettype> <addrtype> <connection-address>] (RFC 3605 §2.1).
struct rtcp_attribute {
  std::uint16_t port = 0;                     ///< RTCP port
  std::optional<connection_info> connection;  ///< RTCP address when it differs from c=

  friend bool operator==(rtcp_attribute const&, rtcp_attribute const&) = default;
};

/// Parses an rtcp value. Error: errc::malformed_rtcp.
rtcp_attribute parse_rtcp(std::string_view value, std::error_code& ec);

/// The rtcp value for `r`.
std::string to_string(rtcp_attribute const& r);

/// a=crypto:<tag> <crypto-suite> <key-params> [<session-params>] (RFC 4568 §9.1).
struct crypto_attribute {
  std::uint32_t tag = 0;            ///< 1..9 digits
  std::string_view suite;           ///< "AES_CM_128_HMAC_SHA1_80", ...
  std::string_view key_params;      ///< "inline:<key||salt>[|lifetime][|MKI:length]" (;-separated)
  std::string_view session_params;  ///< the rest as written, e.g. "UNENCRYPTED_SRTCP"; may be empty

  friend bool operator==(crypto_attribute const&, crypto_attribute const&) = default;
};

/// Parses a crypto value. Error: errc::malformed_crypto.
crypto_attribute parse_crypto(std::string_view value, std::error_code& ec);

/// The crypto value for `c`.
std::string to_string(crypto_attribute const& c);

/// Checks an a=ice-ufrag value: 4..256 ice-chars (RFC 8839 §5.4). Error: errc::malformed_ice_ufrag.
std::string_view parse_ice_ufrag(std::string_view value, std::error_code& ec);

/// Checks an a=ice-pwd value: 22..256 ice-chars (RFC 8839 §5.4). Error: errc::malformed_ice_pwd.
std::string_view parse_ice_pwd(std::string_view value, std::error_code& ec);

/// a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
/// (RFC 8839 §5.1).
struct ice_candidate {
  std::string_view foundation;  ///< 1..32 ice-chars
  std::uint16_t component = 0;  ///< 1 RTP, 2 RTCP
  std::string_view transport;   ///< "UDP", "TCP", ...
  std::uint32_t priority = 0;   ///< candidate priority
  std::string_view address;     ///< IP address or FQDN
  std::uint16_t port = 0;       ///< port
  std::string_view type;        ///< "host", "srflx", "prflx", "relay", ...
  std::string_view extensions;  ///< the rest as written ("raddr ... rport ... generation 0")

  friend bool operator==(ice_candidate const&, ice_candidate const&) = default;
};

/// Parses a candidate value. Error: errc::malformed_candidate.
ice_candidate parse_candidate(std::string_view value, std::error_code& ec);

/// The candidate value for `c`.
std::string to_string(ice_candidate const& c);

/// a=fingerprint:<hash-func> <fingerprint> (RFC 8122 §5).
struct fingerprint_attribute {
  std::string_view hash_function;  ///< "sha-256", ...
  std::string_view value;          ///< upper- or lower-case hex pairs separated by ':'

  friend bool operator==(fingerprint_attribute const&, fingerprint_attribute const&) = default;
};

/// Parses a fingerprint value. Error: errc::malformed_fingerprint.
fingerprint_attribute parse_fingerprint(std::string_view value, std::error_code& ec);

/// The fingerprint value for `f`.
std::string to_string(fingerprint_attribute const& f);

/// a=setup roles (RFC 4145 §4).
enum class setup_role { active, passive, actpass, holdconn };

/// Parses a setup value. Error: errc::malformed_setup.
setup_role parse_setup(std::string_view value, std::error_code& ec);

/// "active", "passive", "actpass" or "holdconn".
std::string_view to_string(setup_role r) noexcept;

/// Checks an a=mid value: an identification-tag token (RFC 5888 §4). Error: errc::malformed_mid.
std::string_view parse_mid(std::string_view value, std::error_code& ec);

/// a=group:<semantics> *(SP <identification-tag>) (RFC 5888 §5).
struct group_attribute {
  std::string_view semantics;         ///< "BUNDLE", "LS", "FID", ...
  std::vector<std::string_view> ids;  ///< the mids grouped, in order

  friend bool operator==(group_attribute const&, group_attribute const&) = default;
};

/// Parses a group value. Error: errc::malformed_group.
group_attribute parse_group(std::string_view value, std::error_code& ec);

/// The group value for `g`.
std::string to_string(group_attribute const& g);

}  // namespace gatehouse::media
