#include "sip/name_addr.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

std::error_code scan_name_addr(scanner& s, name_addr& out) noexcept {
  out = name_addr{};
  std::string_view const text = s.text();
  s.skip_ws();
  if (s.peek() == '"') {
    // display-name = quoted-string, then LAQUOT
    if (auto ec = s.take_quoted(out.display_name)) return ec;
    s.skip_ws();
    if (s.peek() != '<') return errc::bad_header_value;
  } else {
    // display-name = *(token LWS) before LAQUOT (RFC 4475 §3.1.1.6: LWS may be absent);
    // without a '<' ahead this is an addr-spec.
    std::size_t const start = s.pos();
    s.take_while([](char c) { return cc::is(c, cc::token) || cc::is(c, cc::ws); });
    if (s.peek() == '<')
      out.display_name = trim(text.substr(start, s.pos() - start));
    else
      s.seek(start);
  }
  if (s.peek() == '<') {
    std::size_t const open = s.pos();
    std::size_t const close = text.find('>', open);
    if (close == std::string_view::npos) return errc::bad_header_value;
    out.uri_text = text.substr(open + 1, close - open - 1);
    out.angle_brackets = true;
    s.seek(close + 1);
  } else {
    // addr-spec: the URI runs to whitespace, ';' (header parameters) or ',' (RFC 3261 §20:
    // parameters after an addr-spec belong to the header, not the URI).
    std::size_t const begin = s.pos();
    s.take_while([](char c) { return c != ';' && c != ',' && !cc::is(c, cc::ws); });
    out.uri_text = text.substr(begin, s.pos() - begin);
  }
  if (out.uri_text.empty()) return errc::bad_header_value;
  for (char c : out.uri_text)
    if (cc::is(c, cc::ws)) return errc::bad_uri;
  if (auto ec = parse_uri(out.uri_text, out.address)) return ec;
  return scan_header_params(s, out.params);
}

std::error_code parse_name_addr(std::string_view value, name_addr& out) noexcept {
  scanner s(value);
  if (auto ec = scan_name_addr(s, out)) return ec;
  s.skip_ws();
  return s.at_end() ? std::error_code{} : errc::bad_header_value;
}

bool is_wildcard_contact(std::string_view value) noexcept {
  return trim(value) == "*";
}

}  // namespace gatehouse::sip
