#include "sip/grammar.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

namespace {
constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && cc::is(s.front(), cc::ws)) s.remove_prefix(1);
  while (!s.empty() && cc::is(s.back(), cc::ws)) s.remove_suffix(1);
  return s;
}

bool all_escaped_of(std::string_view s, std::uint16_t bits) noexcept {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return false;
      if (hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
      i += 2;
    } else if (!cc::is(s[i], bits)) {
      return false;
    }
  }
  return true;
}

bool is_token(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!cc::is(c, cc::token)) return false;
  return true;
}

std::error_code parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) noexcept {
  if (s.empty()) return errc::bad_header_value;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return errc::bad_header_value;
    std::uint64_t const d = std::uint64_t(c - '0');
    if (v > (max - d) / 10) return errc::value_out_of_range;
    v = v * 10 + d;
  }
  out = v;
  return {};
}

std::error_code unescape(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
      return errc::bad_escape;
    out.push_back(char(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
    i += 2;
  }
  return {};
}

std::string unquote(std::string_view s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return std::string(s);
  std::string out;
  out.reserve(s.size() - 2);
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

void scanner::skip_ws() noexcept {
  while (pos_ < s_.size() && cc::is(s_[pos_], cc::ws)) ++pos_;
}

bool scanner::take_sep(char c) noexcept {
  std::size_t const saved = pos_;
  skip_ws();
  if (pos_ < s_.size() && s_[pos_] == c) {
    ++pos_;
    skip_ws();
    return true;
  }
  pos_ = saved;
  return false;
}

std::string_view scanner::take(std::uint16_t bits, bool escapes) noexcept {
  std::size_t const start = pos_;
  while (pos_ < s_.size()) {
    char const c = s_[pos_];
    if (escapes && c == '%' && pos_ + 2 < s_.size() && hex_value(s_[pos_ + 1]) >= 0 &&
        hex_value(s_[pos_ + 2]) >= 0) {
      pos_ += 3;
    } else if (cc::is(c, bits)) {
      ++pos_;
    } else {
      break;
    }
  }
  return s_.substr(start, pos_ - start);
}

std::error_code scanner::take_quoted(std::string_view& out) noexcept {
  if (peek() != '"') return errc::bad_header_value;
  std::size_t const start = pos_++;
  while (pos_ < s_.size()) {
    char const c = s_[pos_];
    if (c == '\\') {
      // RFC 3261 §25.1: quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
      if (pos_ + 1 >= s_.size()) break;
      char const q = s_[pos_ + 1];
      if (q == '\r' || q == '\n' || static_cast<unsigned char>(q) > 0x7f) break;
      pos_ += 2;
    } else if (c == '"') {
      ++pos_;
      out = s_.substr(start, pos_ - start);
      return {};
    } else {
      ++pos_;
    }
  }
  return errc::bad_header_value;
}

namespace {
// gen-value = token / host / quoted-string (RFC 3261 §25.1); host adds IPv6 brackets and ':'.
bool is_gen_value_char(char c) noexcept {
  return cc::is(c, cc::token) || c == '[' || c == ']' || c == ':';
}
}  // namespace

std::error_code scan_header_params(scanner& s, param_list& out) noexcept {
  out.raw = {};
  s.skip_ws();
  if (s.at_end() || s.peek() == ',') return {};
  if (s.peek() != ';') return errc::bad_header_value;
  s.take_sep(';');
  std::size_t const start = s.pos();
  std::size_t end = start;
  for (;;) {
    std::string_view const name = s.take(cc::token);
    if (name.empty()) return errc::bad_header_value;
    if (s.take_sep('=')) {
      if (s.peek() == '"') {
        std::string_view q;
        if (auto ec = s.take_quoted(q)) return ec;
      } else {
        if (s.take_while(is_gen_value_char).empty()) return errc::bad_header_value;
      }
    }
    end = s.pos();
    s.skip_ws();
    if (s.at_end() || s.peek() == ',') break;
    if (!s.take_sep(';')) return errc::bad_header_value;
  }
  out.raw = s.text().substr(start, end - start);
  return {};
}

bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value) noexcept {
  rest = trim(rest);
  if (rest.empty()) return false;
  // Find the end of this parameter: the next ';' outside a quoted string.
  std::size_t i = 0;
  bool in_quote = false;
  for (; i < rest.size(); ++i) {
    char const c = rest[i];
    if (in_quote) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_quote = false;
    } else if (c == '"') {
      in_quote = true;
    } else if (c == ';') {
      break;
    }
  }
  std::string_view const item = rest.substr(0, i);
  rest = i < rest.size() ? rest.substr(i + 1) : std::string_view{};
  std::size_t const eq = item.find('=');
  if (eq == std::string_view::npos) {
    name = trim(item);
    value = {};
    has_value = false;
  } else {
    name = trim(item.substr(0, eq));
    value = trim(item.substr(eq + 1));
    has_value = true;
  }
  return true;
}

std::optional<std::string_view> param_list::get(std::string_view name) const noexcept {
  std::string_view rest = raw, n, v;
  bool has_value = false;
  while (next_param(rest, n, v, has_value))
    if (iequals(n, name)) return v;
  return std::nullopt;
}

}  // namespace gatehouse::sip
