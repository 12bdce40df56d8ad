#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "sip/grammar.hpp"
#include "sip/uri.hpp"

namespace gatehouse::sip {

/// One name-addr or addr-spec with its header parameters: the value of From, To, Reply-To, and
/// each element of Contact, Route, Record-Route, Path, P-Asserted-Identity. Views into the
/// header value.
struct name_addr {
  std::string_view display_name;  ///< as written: quoted (with quotes), tokens, or empty
  std::string_view uri_text;      ///< the URI, without < >
  uri address;                    ///< the URI, parsed
  bool angle_brackets = false;    ///< written as name-addr (<...>) rather than addr-spec
  param_list params;              ///< header parameters after the URI (tag, expires, q, ...)

  /// The tag parameter (From/To), empty if absent.
  std::string_view tag() const noexcept { return params.get("tag").value_or(""); }
  /// The display name with quotes and quoted-pairs removed.
  std::string display_name_text() const { return unquote(display_name); }
};

/// Parses one name-addr / addr-spec with header parameters. The scanner stops at a top-level
/// ',' or the end. Errors: bad_header_value (unbalanced quote, missing '>', bad display name,
/// bad parameter), bad_uri.
std::error_code scan_name_addr(scanner& s, name_addr& out) noexcept;

/// Parses a header value holding exactly one name-addr (From, To). Errors as scan_name_addr,
/// and bad_header_value for trailing text.
std::error_code parse_name_addr(std::string_view value, name_addr& out) noexcept;

/// Calls `f(name_addr const&) -> std::error_code` for each element of a comma-separated list
/// (Contact, Route, Record-Route, P-Asserted-Identity); stops at the first error.
template <class F>
std::error_code for_each_name_addr(std::string_view value, F&& f) {
  scanner s(value);
  for (;;) {
    name_addr na;
    if (auto ec = scan_name_addr(s, na)) return ec;
    if (auto ec = f(na)) return ec;
    s.skip_ws();
    if (s.at_end()) return {};
    if (!s.take_sep(',')) return errc::bad_header_value;
  }
}

/// True for the Contact value "*" (RFC 3261 §10.2.2, remove all bindings).
bool is_wildcard_contact(std::string_view value) noexcept;

}  // namespace gatehouse::sip
