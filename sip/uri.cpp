#include "sip/uri.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

bool is_ipv4(std::string_view s) noexcept {
  int parts = 0;
  while (parts < 4) {
    std::size_t n = 0;
    unsigned v = 0;
    while (n < s.size() && n < 4 && cc::is(s[n], cc::digit)) v = v * 10 + unsigned(s[n++] - '0');
    if (n == 0 || n > 3 || v > 255) return false;
    s.remove_prefix(n);
    ++parts;
    if (parts < 4) {
      if (s.empty() || s.front() != '.') return false;
      s.remove_prefix(1);
    }
  }
  return s.empty();
}

bool is_ipv6(std::string_view s) noexcept {
  // Groups of 1-4 hex digits separated by ':', at most one "::", optionally ending in IPv4.
  if (s.empty() || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s.front() == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t const start = i;
    while (i < s.size() && i - start < 5 && hex_value(s[i]) >= 0) ++i;
    if (i < s.size() && s[i] == '.') {  // trailing dotted quad counts as two groups
      if (!is_ipv4(s.substr(start))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    std::size_t const len = i - start;
    if (len == 0 || len > 4) return false;
    ++groups;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

namespace {

bool is_hostname(std::string_view s) noexcept {
  // RFC 3261 §25.1 hostname, liberal about '_' (seen in the wild) and a trailing dot.
  if (s.empty() || s.size() > 255) return false;
  for (char c : s)
    if (!cc::is(c, cc::host)) return false;
  return s.front() != '.' && s.front() != '-';
}

}  // namespace

std::error_code parse_host_port(std::string_view text, std::string_view& host, host_kind& kind,
                                std::uint16_t& port, bool& has_port) noexcept {
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    std::size_t const close = text.find(']');
    if (close == std::string_view::npos || !is_ipv6(text.substr(1, close - 1)))
      return errc::bad_uri;
    host = text.substr(0, close + 1);
    kind = host_kind::ipv6;
    rest = text.substr(close + 1);
  } else {
    std::size_t const colon = text.find(':');
    host = text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
    if (is_ipv4(host)) {
      kind = host_kind::ipv4;
    } else if (is_hostname(host)) {
      kind = host_kind::name;
    } else {
      return errc::bad_uri;
    }
  }
  has_port = false;
  port = 0;
  if (rest.empty()) return {};
  if (rest.front() != ':') return errc::bad_uri;
  std::uint64_t p = 0;
  if (parse_uint(rest.substr(1), 65535, p)) return errc::bad_uri;
  port = static_cast<std::uint16_t>(p);
  has_port = true;
  return {};
}

namespace {

// No real URI has more parameters or headers than this; a hostile one with thousands would make
// every comparison and lookup slow.
constexpr std::size_t max_uri_parts = 64;

std::error_code parse_sip_uri(std::string_view rest, uri& out) noexcept {
  // userinfo ends at the first '@': '@' may not appear unescaped anywhere else in a SIP URI,
  // while '?', ';' and ',' may appear in the user part (RFC 4475 §3.1.1.2).
  std::size_t const at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view const userinfo = rest.substr(0, at);
    std::size_t const colon = userinfo.find(':');
    out.has_userinfo = true;
    out.user = userinfo.substr(0, colon);
    if (!all_escaped_of(out.user, cc::unreserved | cc::user_unreserved)) return errc::bad_uri;
    if (colon != std::string_view::npos) {
      out.has_password = true;
      out.password = userinfo.substr(colon + 1);
      if (!out.password.empty() && !all_escaped_of(out.password, cc::unreserved | cc::password))
        return errc::bad_uri;
    }
    rest.remove_prefix(at + 1);
  }
  std::size_t const host_end = rest.find_first_of(";?");
  if (auto ec = parse_host_port(rest.substr(0, host_end), out.host, out.host_type, out.port,
                                out.has_port))
    return ec;
  if (host_end == std::string_view::npos) return {};
  rest.remove_prefix(host_end);
  if (rest.front() == ';') {
    std::size_t const params_end = rest.find('?');
    out.params.raw =
        rest.substr(1, params_end == std::string_view::npos ? rest.npos : params_end - 1);
    // uri-parameter = pname ["=" pvalue]; both 1*paramchar
    std::string_view p = out.params.raw;
    for (std::size_t count = 0;; ++count) {
      if (count == max_uri_parts) return errc::bad_uri;
      std::size_t const semi = p.find(';');
      std::string_view const item = p.substr(0, semi);
      std::size_t const eq = item.find('=');
      std::string_view const name = item.substr(0, eq);
      if (!all_escaped_of(name, cc::unreserved | cc::param_unreserved)) return errc::bad_uri;
      if (eq != std::string_view::npos &&
          !all_escaped_of(item.substr(eq + 1), cc::unreserved | cc::param_unreserved))
        return errc::bad_uri;
      if (semi == std::string_view::npos) break;
      p.remove_prefix(semi + 1);
    }
    if (params_end == std::string_view::npos) return {};
    rest.remove_prefix(params_end);
  }
  // headers = "?" header *( "&" header ); header = hname "=" hvalue (hvalue may be empty)
  out.headers = rest.substr(1);
  std::string_view h = out.headers;
  for (std::size_t count = 0;; ++count) {
    if (count == max_uri_parts) return errc::bad_uri;
    std::size_t const amp = h.find('&');
    std::string_view const item = h.substr(0, amp);
    std::size_t const eq = item.find('=');
    if (eq == std::string_view::npos) return errc::bad_uri;
    if (!all_escaped_of(item.substr(0, eq), cc::unreserved | cc::hnv_unreserved))
      return errc::bad_uri;
    std::string_view const value = item.substr(eq + 1);
    if (!value.empty() && !all_escaped_of(value, cc::unreserved | cc::hnv_unreserved))
      return errc::bad_uri;
    if (amp == std::string_view::npos) break;
    h.remove_prefix(amp + 1);
  }
  return {};
}

std::error_code parse_tel_uri(std::string_view rest, uri& out) noexcept {
  // RFC 3966 §3: global-number = "+" digits with visual separators; local-number = hex digits,
  // '*', '#' and separators, and it must carry a phone-context parameter.
  std::size_t const semi = rest.find(';');
  out.user = rest.substr(0, semi);
  std::string_view n = out.user;
  bool const global = !n.empty() && n.front() == '+';
  if (global) n.remove_prefix(1);
  bool digits = false;
  for (char c : n) {
    bool const digit = global ? cc::is(c, cc::digit) : (hex_value(c) >= 0 || c == '*' || c == '#');
    if (digit)
      digits = true;
    else if (c != '-' && c != '.' && c != '(' && c != ')')
      return errc::bad_uri;
  }
  if (!digits) return errc::bad_uri;
  if (semi != std::string_view::npos) {
    out.params.raw = rest.substr(semi + 1);
    std::string_view p = out.params.raw;
    for (;;) {
      std::size_t const next = p.find(';');
      std::string_view const item = p.substr(0, next);
      std::size_t const eq = item.find('=');
      if (!all_escaped_of(item.substr(0, eq), cc::unreserved | cc::param_unreserved))
        return errc::bad_uri;
      if (eq != std::string_view::npos &&
          !all_escaped_of(item.substr(eq + 1),
                          cc::unreserved | cc::param_unreserved | cc::reserved))
        return errc::bad_uri;
      if (next == std::string_view::npos) break;
      p.remove_prefix(next + 1);
    }
  }
  if (!global && !out.params.has("phone-context")) return errc::bad_uri;
  return {};
}

}  // namespace

std::error_code parse_uri(std::string_view text, uri& out) noexcept {
  out = uri{};
  std::size_t const colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return errc::bad_uri;
  out.scheme_text = text.substr(0, colon);
  if (!cc::is(out.scheme_text.front(), cc::alpha)) return errc::bad_uri;
  for (char c : out.scheme_text)
    if (!cc::is(c, cc::scheme)) return errc::bad_uri;
  out.opaque = text.substr(colon + 1);
  if (out.opaque.empty()) return errc::bad_uri;
  if (iequals(out.scheme_text, "sip")) {
    out.scheme = uri_scheme::sip;
    return parse_sip_uri(out.opaque, out);
  }
  if (iequals(out.scheme_text, "sips")) {
    out.scheme = uri_scheme::sips;
    return parse_sip_uri(out.opaque, out);
  }
  if (iequals(out.scheme_text, "tel")) {
    out.scheme = uri_scheme::tel;
    return parse_tel_uri(out.opaque, out);
  }
  out.scheme = uri_scheme::other;
  for (char c : out.opaque) {
    auto const u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == '"') return errc::bad_uri;
  }
  return {};
}

namespace {

// RFC 3261 §19.1.4: "%HH" of an unreserved character equals the character; escaped reserved
// characters stay distinct from their literal form. Each unit is a byte, or 256 + byte for an
// escape that must stay escaped.
class unit_reader {
 public:
  unit_reader(std::string_view s, bool fold_case) : s_(s), fold_(fold_case) {}
  bool done() const { return i_ >= s_.size(); }
  int next() {
    char c = s_[i_];
    if (c == '%' && i_ + 2 < s_.size() && hex_value(s_[i_ + 1]) >= 0 &&
        hex_value(s_[i_ + 2]) >= 0) {
      c = char(hex_value(s_[i_ + 1]) * 16 + hex_value(s_[i_ + 2]));
      i_ += 3;
      if (!cc::is(c, cc::unreserved)) return 256 + static_cast<unsigned char>(c);
    } else {
      ++i_;
    }
    if (fold_ && c >= 'A' && c <= 'Z') c = char(c + 32);
    return static_cast<unsigned char>(c);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  bool fold_;
};

bool units_equal(std::string_view a, std::string_view b, bool fold_case) {
  unit_reader ra(a, fold_case), rb(b, fold_case);
  while (!ra.done() && !rb.done())
    if (ra.next() != rb.next()) return false;
  return ra.done() && rb.done();
}

// The uri-parameters that must match if either URI has them (RFC 3261 §19.1.4).
constexpr std::string_view must_match_params[] = {"user", "ttl", "method", "maddr", "transport"};

bool params_match(param_list const& a, param_list const& b) {
  // A repeated parameter means what its first occurrence says (that is what get() finds).
  bool ok = true;
  a.for_each([&](std::string_view name, std::string_view value, bool) {
    if (a.get(name)->data() != value.data()) return;
    auto other = b.get(name);
    if (other && !units_equal(value, *other, true)) ok = false;
  });
  if (!ok) return false;
  for (std::string_view p : must_match_params)
    if (a.has(p) != b.has(p)) return false;
  return true;
}

template <class F>
void for_each_uri_header(std::string_view h, F&& f) {
  while (!h.empty()) {
    std::size_t const amp = h.find('&');
    std::string_view const item = h.substr(0, amp);
    std::size_t const eq = item.find('=');
    f(item.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    h.remove_prefix(amp + 1);
  }
}

bool headers_contained(std::string_view a, std::string_view b) {
  bool all = true;
  for_each_uri_header(a, [&](std::string_view name, std::string_view value) {
    bool found = false;
    for_each_uri_header(b, [&](std::string_view n2, std::string_view v2) {
      if (units_equal(name, n2, true) && units_equal(value, v2, false)) found = true;
    });
    all = all && found;
  });
  return all;
}

}  // namespace

bool uri_equal(uri const& a, uri const& b) noexcept {
  if (a.scheme != b.scheme) return false;
  if (!a.is_sip()) {
    return iequals(a.scheme_text, b.scheme_text) &&
           units_equal(a.opaque, b.opaque, a.scheme == uri_scheme::tel);
  }
  if (a.has_userinfo != b.has_userinfo || a.has_password != b.has_password) return false;
  if (!units_equal(a.user, b.user, false) || !units_equal(a.password, b.password, false))
    return false;
  if (!iequals(a.host, b.host)) return false;
  if (a.has_port != b.has_port || a.port != b.port) return false;
  if (!params_match(a.params, b.params)) return false;
  return headers_contained(a.headers, b.headers) && headers_contained(b.headers, a.headers);
}

void write_uri(uri const& u, std::string& out) {
  out.append(u.scheme_text);
  out.push_back(':');
  if (u.scheme == uri_scheme::other) {
    out.append(u.opaque);
    return;
  }
  if (u.scheme == uri_scheme::tel) {
    out.append(u.user);
  } else {
    if (u.has_userinfo) {
      out.append(u.user);
      if (u.has_password) {
        out.push_back(':');
        out.append(u.password);
      }
      out.push_back('@');
    }
    out.append(u.host);
    if (u.has_port) {
      out.push_back(':');
      out.append(std::to_string(u.port));
    }
  }
  if (!u.params.empty()) {
    out.push_back(';');
    out.append(u.params.raw);
  }
  if (!u.headers.empty()) {
    out.push_back('?');
    out.append(u.headers);
  }
}

std::string to_string(uri const& u) {
  std::string s;
  write_uri(u, s);
  return s;
}

}  // namespace gatehouse::sip
