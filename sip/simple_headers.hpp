#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>

#include "sip/grammar.hpp"

namespace gatehouse::sip {

/// CSeq: sequence number and method (RFC 3261 §20.16).
struct cseq_value {
  std::uint32_t number = 0;
  std::string_view method;
};
/// Errors: bad_header_value, value_out_of_range (number must be below 2**31, §8.1.1.5).
std::error_code parse_cseq(std::string_view value, cseq_value& out) noexcept;

/// delta-seconds fields: Expires, Min-Expires, Min-SE (with params ignored). Values above
/// 2**32-1 are out of range. Errors: bad_header_value, value_out_of_range.
std::error_code parse_delta_seconds(std::string_view value, std::uint32_t& out) noexcept;

/// Max-Forwards: 0-255. Errors: bad_header_value, value_out_of_range.
std::error_code parse_max_forwards(std::string_view value, std::uint8_t& out) noexcept;

/// Content-Length / RSeq: a non-negative decimal up to `max`.
std::error_code parse_number(std::string_view value, std::uint64_t max,
                             std::uint64_t& out) noexcept;

/// Session-Expires (RFC 4028 §4): delta-seconds with an optional refresher=uac|uas.
struct session_expires_value {
  std::uint32_t seconds = 0;
  std::string_view refresher;  ///< "uac", "uas" or empty
  param_list params;
};
std::error_code parse_session_expires(std::string_view value, session_expires_value& out) noexcept;

/// Min-SE (RFC 4028 §5): delta-seconds with generic params.
std::error_code parse_min_se(std::string_view value, std::uint32_t& out) noexcept;

/// RAck (RFC 3262 §7.2): response-num CSeq-num method.
struct rack_value {
  std::uint32_t rseq = 0;
  std::uint32_t cseq = 0;
  std::string_view method;
};
std::error_code parse_rack(std::string_view value, rack_value& out) noexcept;

/// Retry-After (RFC 3261 §20.33): delta-seconds [comment] *(;param), duration parameter.
struct retry_after_value {
  std::uint32_t seconds = 0;
  std::string_view comment;  ///< with its parentheses, empty if none
  param_list params;
};
/// Errors: bad_header_value, value_out_of_range, too_deeply_nested (comments nest past 16).
std::error_code parse_retry_after(std::string_view value, retry_after_value& out) noexcept;

/// Content-Type (RFC 3261 §20.15): type "/" subtype *(;param).
struct media_type {
  std::string_view type;
  std::string_view subtype;
  param_list params;
  /// Case-insensitive match of type/subtype ("application", "sdp").
  bool is(std::string_view t, std::string_view st) const noexcept {
    return iequals(type, t) && iequals(subtype, st);
  }
};
std::error_code parse_media_type(std::string_view value, media_type& out) noexcept;

/// Calls `f(media_type const&) -> std::error_code` for each media-range of an Accept value
/// ("*/*" and "type/*" allowed). An empty Accept value is valid and calls nothing.
template <class F>
std::error_code for_each_media_range(std::string_view value, F&& f) {
  if (trim(value).empty()) return {};
  return for_each_element(value, [&](std::string_view element) -> std::error_code {
    media_type m;
    if (auto ec = parse_media_type(element, m)) return ec;
    return f(m);
  });
}

/// Calls `f(std::string_view token) -> std::error_code` for each token of a comma-separated
/// token list: Require, Supported, Proxy-Require, Unsupported (option-tags), Allow (methods),
/// Allow-Events. An empty value is valid (Supported may be empty). Errors: bad_header_value.
template <class F>
std::error_code for_each_token(std::string_view value, F&& f) {
  if (trim(value).empty()) return {};
  return for_each_element(value, [&](std::string_view element) -> std::error_code {
    if (!is_token(element)) return errc::bad_header_value;
    return f(element);
  });
}

/// True when a token list (as for_each_token reads it) contains `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) noexcept;

/// Reason (RFC 3326): protocol *(;cause=...;text="...").
struct reason_value {
  std::string_view protocol;  ///< "SIP", "Q.850", ...
  param_list params;
  /// The cause parameter, or -1 when absent or not a number.
  int cause() const noexcept;
};
/// Calls `f(reason_value const&) -> std::error_code` for each reason in the value.
std::error_code parse_reason(std::string_view element, reason_value& out) noexcept;

}  // namespace gatehouse::sip
