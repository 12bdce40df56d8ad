#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "sip/grammar.hpp"

namespace gatehouse::sip {

/// URI schemes gatehouse understands; anything else is `other` and kept opaque.
enum class uri_scheme : std::uint8_t { sip, sips, tel, other };

/// What a URI's host is.
enum class host_kind : std::uint8_t { none, name, ipv4, ipv6 };

/// A parsed URI: views into the text it was parsed from (which must outlive it). Components
/// are still %-escaped. For tel URIs (RFC 3966) `user` holds the telephone number and `host` is
/// empty; for other schemes only `scheme_text` and `opaque` are set.
struct uri {
  uri_scheme scheme = uri_scheme::other;
  std::string_view scheme_text;
  std::string_view user;
  std::string_view password;
  std::string_view host;  ///< IPv6 hosts keep their brackets
  std::uint16_t port = 0;
  host_kind host_type = host_kind::none;
  bool has_userinfo = false;
  bool has_password = false;
  bool has_port = false;
  param_list params;         ///< uri-parameters, without the leading ';'
  std::string_view headers;  ///< headers, without the leading '?'
  std::string_view opaque;   ///< everything after "scheme:" (all schemes)

  bool is_sip() const noexcept { return scheme == uri_scheme::sip || scheme == uri_scheme::sips; }
  /// The port to use: the explicit one, else 5061 for sips and 5060 for sip.
  std::uint16_t port_or_default() const noexcept {
    return has_port ? port : scheme == uri_scheme::sips ? 5061 : 5060;
  }
};

/// Parses a URI. sip/sips URIs are checked against RFC 3261 §25.1, tel URIs against RFC 3966;
/// other schemes need a valid scheme and non-empty text without whitespace, quotes or <>.
/// Errors: bad_uri, bad_escape.
std::error_code parse_uri(std::string_view text, uri& out) noexcept;

/// Parses the host[:port] of a SIP URI or a Via sent-by. Errors: bad_uri.
std::error_code parse_host_port(std::string_view text, std::string_view& host, host_kind& kind,
                                std::uint16_t& port, bool& has_port) noexcept;

/// True if `s` is a dotted-quad IPv4 address.
bool is_ipv4(std::string_view s) noexcept;
/// True if `s` is an IPv6 address (no brackets), RFC 4291 §2.2 text forms.
bool is_ipv6(std::string_view s) noexcept;

/// RFC 3261 §19.1.4 URI equality (sip/sips; other schemes compare their text exactly,
/// scheme case-insensitively).
bool uri_equal(uri const& a, uri const& b) noexcept;

/// Writes a URI back from its components (after any of them were changed).
void write_uri(uri const& u, std::string& out);
std::string to_string(uri const& u);

}  // namespace gatehouse::sip
