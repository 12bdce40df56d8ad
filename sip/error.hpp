#pragma once

#include <string_view>
#include <system_error>

namespace gatehouse::sip {

/// What can be wrong with SIP bytes, URIs or header values. Each code maps to the reply that
/// RFC 3261 names for a request that carries it (see reply_status()).
enum class errc {
  need_more = 1,           ///< stream parser: the message is not complete yet (not an error)
  keepalive,               ///< a CRLF keepalive (RFC 5626 §3.5.1), not a message
  message_too_large,       ///< over the configured size limit (513)
  too_many_headers,        ///< over the configured header-count limit
  line_too_long,           ///< one header line over the configured length limit
  bad_start_line,          ///< neither a Request-Line nor a Status-Line
  bad_method,              ///< method is not a token
  bad_request_uri,         ///< Request-URI malformed (embedded LWS, <>, bad sip: URI)
  bad_version,             ///< a SIP version other than 2.0 (505)
  bad_status_code,         ///< status code not three digits in 100..699
  bad_header_line,         ///< header line without a name or colon
  bad_header_name,         ///< header name is not a token
  bad_header_value,        ///< a header value does not parse as its grammar says
  missing_header,          ///< a mandatory header (Via, From, To, Call-ID, CSeq) is absent
  duplicate_header,        ///< a header allowed once appears more than once
  bad_content_length,      ///< Content-Length not a non-negative integer within the limit
  missing_content_length,  ///< a stream message without Content-Length (RFC 3261 §18.3)
  body_truncated,          ///< fewer body bytes than Content-Length says
  cseq_method_mismatch,    ///< CSeq method differs from the Request-Line method
  value_out_of_range,      ///< a number larger than its field allows (CSeq, Max-Forwards, ...)
  too_deeply_nested,       ///< quoted strings / escapes past the nesting limit
  bad_uri,                 ///< URI does not parse
  unsupported_uri_scheme,  ///< the URI's scheme is not sip, sips or tel (416)
  bad_escape,              ///< a % escape that is not followed by two hex digits
};

/// The category of gatehouse::sip::errc.
std::error_category const& error_category() noexcept;

/// Makes an error_code from an errc (found by ADL for `std::error_code ec = errc::...`).
std::error_code make_error_code(errc e) noexcept;

/// The final response a UAS sends for a request that failed with `ec`: 400 unless the RFC names
/// another code (505 bad version, 513 too large, 416 unsupported scheme). 0 for codes that are
/// not request errors (need_more, keepalive) and for codes of other categories.
int reply_status(std::error_code ec) noexcept;

/// The reason phrase that goes with reply_status(ec).
std::string_view reply_reason(std::error_code ec) noexcept;

}  // namespace gatehouse::sip

template <>
struct std::is_error_code_enum<gatehouse::sip::errc> : std::true_type {};
