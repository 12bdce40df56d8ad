#include "sip/via.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

namespace {

std::error_code check_params(via const& v) noexcept {
  std::error_code result;
  v.params.for_each([&](std::string_view name, std::string_view value, bool has_value) {
    if (result) return;
    std::uint64_t n = 0;
    if (iequals(name, "received")) {
      // RFC 3261 §20.42 / RFC 3581: received = IPv4address / IPv6address
      std::string_view a = value;
      if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
      if (!has_value || !(is_ipv4(a) || is_ipv6(a))) result = errc::bad_header_value;
    } else if (iequals(name, "rport")) {
      if (has_value && parse_uint(value, 65535, n)) result = errc::bad_header_value;
    } else if (iequals(name, "ttl")) {
      if (!has_value || parse_uint(value, 255, n)) result = errc::bad_header_value;
    } else if (iequals(name, "branch") || iequals(name, "maddr")) {
      if (!has_value || value.empty()) result = errc::bad_header_value;
    }
  });
  return result;
}

}  // namespace

std::error_code scan_via(scanner& s, via& out) noexcept {
  out = via{};
  s.skip_ws();
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport (SLASH = SWS "/" SWS)
  out.protocol_name = s.take(cc::token);
  if (out.protocol_name.empty() || !s.take_sep('/')) return errc::bad_header_value;
  out.protocol_version = s.take(cc::token);
  if (out.protocol_version.empty() || !s.take_sep('/')) return errc::bad_header_value;
  out.transport = s.take(cc::token);
  if (out.transport.empty()) return errc::bad_header_value;
  // LWS sent-by
  std::size_t const before_ws = s.pos();
  s.skip_ws();
  if (s.pos() == before_ws) return errc::bad_header_value;
  std::size_t const start = s.pos();
  if (s.peek() == '[') {
    s.take_while([](char c) { return c != ']'; });
    if (s.peek() == ']') s.seek(s.pos() + 1);
  } else {
    s.take_while([](char c) { return cc::is(c, cc::host); });
  }
  // the sent-by port may be separated by LWS around the colon (COLON = SWS ":" SWS)
  std::size_t const host_end = s.pos();
  std::string_view port_text;
  if (s.take_sep(':')) port_text = s.take(cc::digit);
  std::string_view const host_text = s.text().substr(start, host_end - start);
  if (parse_host_port(host_text, out.host, out.host_type, out.port, out.has_port))
    return errc::bad_header_value;
  if (!port_text.empty() || s.pos() != host_end) {
    std::uint64_t p = 0;
    if (parse_uint(port_text, 65535, p)) return errc::bad_header_value;
    out.port = static_cast<std::uint16_t>(p);
    out.has_port = true;
  }
  if (auto ec = scan_header_params(s, out.params)) return ec;
  return check_params(out);
}

}  // namespace gatehouse::sip
