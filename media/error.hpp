#pragma once

#include <system_error>

namespace gatehouse::media {

/// What can be wrong with an SDP body (RFC 8866) or one of its typed attribute values.
enum class errc {
  too_large = 1,          ///< the body is over the configured size limit
  too_many_lines,         ///< more lines than the configured limit
  too_many_media,         ///< more m= sections than the configured limit
  malformed_line,         ///< a line not of the form `x=value` (or with NUL/CR inside)
  missing_version,        ///< the first line is not v=
  bad_version,            ///< v= other than 0 (RFC 8866 §5.1)
  missing_origin,         ///< no o= line in the session section
  missing_session_name,   ///< no s= line in the session section
  unexpected_line,        ///< v=, o= or s= repeated or inside a media section
  malformed_origin,       ///< o= does not parse (RFC 8866 §5.2)
  malformed_connection,   ///< c= does not parse (RFC 8866 §5.7)
  malformed_media,        ///< m= does not parse (RFC 8866 §5.14)
  invalid_port,           ///< a port or port count outside 0..65535
  malformed_bandwidth,    ///< b= does not parse (RFC 8866 §5.8)
  malformed_timing,       ///< t= does not parse (RFC 8866 §5.9)
  malformed_rtpmap,       ///< a=rtpmap (RFC 8866 §6.6)
  malformed_fmtp,         ///< a=fmtp (RFC 8866 §6.15)
  malformed_ptime,        ///< a=ptime (RFC 8866 §6.4)
  malformed_rtcp,         ///< a=rtcp (RFC 3605 §2.1)
  malformed_crypto,       ///< a=crypto (RFC 4568 §9.1)
  malformed_ice_ufrag,    ///< a=ice-ufrag (RFC 8839 §5.4)
  malformed_ice_pwd,      ///< a=ice-pwd (RFC 8839 §5.4)
  malformed_candidate,    ///< a=candidate (RFC 8839 §5.1)
  malformed_fingerprint,  ///< a=fingerprint (RFC 8122 §5)
  malformed_setup,        ///< a=setup (RFC 4145 §4)
  malformed_mid,          ///< a=mid (RFC 5888 §4)
  malformed_group,        ///< a=group (RFC 5888 §5)
};

/// The category of gatehouse::media::errc.
std::error_category const& error_category() noexcept;

/// Makes an error_code from an errc (found by ADL for `std::error_code ec = errc::...`).
std::error_code make_error_code(errc e) noexcept;

}  // namespace gatehouse::media

template <>
struct std::is_error_code_enum<gatehouse::media::errc> : std::true_type {};
