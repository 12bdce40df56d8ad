#include "sip/auth_headers.hpp"

#include "sip/error.hpp"
#include "sip/grammar.hpp"

namespace gatehouse::sip {

namespace {

// auth-param = auth-param-name EQUAL ( token / quoted-string ). Calls f(name, raw value).
template <class F>
std::error_code walk_params(std::string_view params, F&& f) {
  scanner s(params);
  s.skip_ws();
  if (s.at_end()) return {};
  for (;;) {
    std::string_view const name = s.take(cc::token);
    if (name.empty() || !s.take_sep('=')) return errc::bad_header_value;
    std::string_view value;
    if (s.peek() == '"') {
      if (auto ec = s.take_quoted(value)) return ec;
    } else {
      // token; liberal about the URI characters that some stacks leave unquoted in uri=
      value = s.take_while([](char c) {
        return c != ',' && c != '"' && !cc::is(c, cc::ws) && static_cast<unsigned char>(c) > 0x20;
      });
      if (value.empty()) return errc::bad_header_value;
    }
    if (f(name, value)) return {};
    s.skip_ws();
    if (s.at_end()) return {};
    if (!s.take_sep(',')) return errc::bad_header_value;
  }
}

}  // namespace

std::error_code parse_auth(std::string_view value, auth_value& out) noexcept {
  scanner s(value);
  s.skip_ws();
  out.scheme = s.take(cc::token);
  if (out.scheme.empty()) return errc::bad_header_value;
  std::size_t const before = s.pos();
  s.skip_ws();
  if (!s.at_end() && s.pos() == before) return errc::bad_header_value;
  out.params = s.rest();
  return walk_params(out.params, [](std::string_view, std::string_view) { return false; });
}

bool auth_value::get(std::string_view name, std::string& out) const {
  bool found = false;
  (void)walk_params(params, [&](std::string_view n, std::string_view v) {
    if (!iequals(n, name)) return false;
    out = unquote(v);
    found = true;
    return true;
  });
  return found;
}

bool auth_value::is_digest() const noexcept {
  return iequals(scheme, "Digest");
}

}  // namespace gatehouse::sip
