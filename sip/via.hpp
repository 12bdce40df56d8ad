#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "sip/grammar.hpp"
#include "sip/uri.hpp"

namespace gatehouse::sip {

/// RFC 3261 §17.1.1.3: branches that start with this cookie are RFC 3261 transaction ids.
inline constexpr std::string_view magic_cookie = "z9hG4bK";

/// One via-parm of a Via header (RFC 3261 §20.42, RFC 3581 rport). Views into the value.
struct via {
  std::string_view protocol_name;     ///< "SIP"
  std::string_view protocol_version;  ///< "2.0"
  std::string_view transport;         ///< "UDP", "TCP", "TLS", "SCTP", "WS", ... as written
  std::string_view host;              ///< sent-by host (IPv6 with brackets)
  host_kind host_type = host_kind::none;
  std::uint16_t port = 0;
  bool has_port = false;
  param_list params;

  std::string_view branch() const noexcept { return params.get("branch").value_or(""); }
  std::optional<std::string_view> received() const noexcept { return params.get("received"); }
  std::optional<std::string_view> maddr() const noexcept { return params.get("maddr"); }
  std::optional<std::string_view> ttl() const noexcept { return params.get("ttl"); }
  /// RFC 3581: present with no value in a request ("rport"), with the port in a response.
  std::optional<std::string_view> rport() const noexcept { return params.get("rport"); }
  /// The sent-by port, or the transport's default (5061 for TLS, 5060 otherwise).
  std::uint16_t port_or_default() const noexcept {
    return has_port ? port : iequals(transport, "TLS") ? 5061 : 5060;
  }
  /// True when the branch carries the RFC 3261 magic cookie.
  bool is_rfc3261_branch() const noexcept { return branch().starts_with(magic_cookie); }
};

/// Parses one via-parm; the scanner stops at a top-level ',' or the end. Checks received (an IP
/// address), rport (empty or a port), ttl (0-255) and maddr. Errors: bad_header_value, bad_uri.
std::error_code scan_via(scanner& s, via& out) noexcept;

/// Calls `f(via const&) -> std::error_code` for each via-parm of one Via header value.
template <class F>
std::error_code for_each_via(std::string_view value, F&& f) {
  scanner s(value);
  for (;;) {
    via v;
    if (auto ec = scan_via(s, v)) return ec;
    if (auto ec = f(v)) return ec;
    s.skip_ws();
    if (s.at_end()) return {};
    if (!s.take_sep(',')) return errc::bad_header_value;
  }
}

}  // namespace gatehouse::sip
