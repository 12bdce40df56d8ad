#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace gatehouse::sip {

/// A challenge or credentials (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 8760): a scheme and
/// comma-separated auth-params. Used for WWW-/Proxy-Authenticate and (Proxy-)Authorization.
/// Unknown schemes (RFC 4475 §3.3.7) parse; their params are kept as text.
struct auth_value {
  std::string_view scheme;  ///< "Digest", or another token
  std::string_view params;  ///< the auth-params, as written

  /// The value of auth-param `name` (case-insensitive), quotes removed; nullopt if absent.
  bool get(std::string_view name, std::string& out) const;
  /// True when the scheme is Digest (case-insensitive).
  bool is_digest() const noexcept;
};

/// Parses a challenge or credentials header value. Errors: bad_header_value for a missing
/// scheme or a malformed auth-param (name "=" token / quoted-string).
std::error_code parse_auth(std::string_view value, auth_value& out) noexcept;

}  // namespace gatehouse::sip
