#pragma once

#include <cstdint>
#include <string_view>

namespace gatehouse::sip {

/// Headers gatehouse knows by name. Everything else is `other` and passes through untouched.
enum class header_id : std::uint8_t {
  other,
  accept,
  accept_encoding,
  accept_language,
  alert_info,
  allow,
  allow_events,
  authentication_info,
  authorization,
  call_id,
  call_info,
  contact,
  content_disposition,
  content_encoding,
  content_language,
  content_length,
  content_type,
  cseq,
  date,
  error_info,
  event,
  expires,
  from,
  in_reply_to,
  max_forwards,
  min_expires,
  min_se,
  mime_version,
  organization,
  p_asserted_identity,
  p_preferred_identity,
  path,
  priority,
  privacy,
  proxy_authenticate,
  proxy_authorization,
  proxy_require,
  rack,
  reason,
  record_route,
  refer_to,
  referred_by,
  reply_to,
  require,
  retry_after,
  route,
  rseq,
  server,
  session_expires,
  subject,
  supported,
  timestamp,
  to,
  unsupported,
  user_agent,
  via,
  warning,
  www_authenticate,
  count_  ///< number of ids, not a header
};

/// Looks a header name up, case-insensitively, long and compact forms (RFC 3261 §7.3.3 and the
/// compact forms registered since: o, u, r, b, x, ...). Unknown names give header_id::other.
header_id lookup_header(std::string_view name) noexcept;

/// The canonical (long) name used when gatehouse writes a header it adds.
std::string_view header_name(header_id id) noexcept;

}  // namespace gatehouse::sip
