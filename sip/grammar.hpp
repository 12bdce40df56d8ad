#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "sip/error.hpp"

namespace gatehouse::sip {

/// Character classes of RFC 3261 §25.1, as bits of one 256-entry table.
namespace cc {
inline constexpr std::uint16_t alpha = 1 << 0;
inline constexpr std::uint16_t digit = 1 << 1;
inline constexpr std::uint16_t hex = 1 << 2;
inline constexpr std::uint16_t token = 1 << 3;             ///< token
inline constexpr std::uint16_t unreserved = 1 << 4;        ///< alphanum / mark
inline constexpr std::uint16_t user_unreserved = 1 << 5;   ///< & = + $ , ; ? /
inline constexpr std::uint16_t password = 1 << 6;          ///< & = + $ ,
inline constexpr std::uint16_t param_unreserved = 1 << 7;  ///< [ ] / : & + $
inline constexpr std::uint16_t hnv_unreserved = 1 << 8;    ///< [ ] / ? : + $
inline constexpr std::uint16_t word = 1 << 9;              ///< word (Call-ID)
inline constexpr std::uint16_t ws = 1 << 10;               ///< SP / HTAB
inline constexpr std::uint16_t reserved = 1 << 11;         ///< ; / ? : @ & = + $ ,
inline constexpr std::uint16_t scheme = 1 << 12;           ///< ALPHA / DIGIT / + / - / .
inline constexpr std::uint16_t host = 1 << 13;             ///< alphanum / - / . / _ (hostname)

consteval std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> t{};
  auto set = [&](std::string_view chars, std::uint16_t bit) {
    for (char c : chars) t[static_cast<unsigned char>(c)] |= bit;
  };
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= alpha | hex * (c <= 'f');
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= alpha | hex * (c <= 'F');
  for (int c = '0'; c <= '9'; ++c) t[c] |= digit | hex;
  std::uint16_t const alnum_classes = token | unreserved | word | scheme | host;
  for (int c = 0; c < 256; ++c)
    if (t[c] & (alpha | digit)) t[c] |= alnum_classes;
  set("-.!%*_+`'~", token);
  set("-_.!~*'()", unreserved);
  set("&=+$,;?/", user_unreserved);
  set("&=+$,", password);
  set("[]/:&+$", param_unreserved);
  set("[]/?:+$", hnv_unreserved);
  set("-.!%*_+`'~()<>:\\\"/[]?{}", word);
  set(" \t", ws);
  set(";/?:@&=+$,", reserved);
  set("+-.", scheme);
  set("-._", host);
  return t;
}
inline constexpr auto table = make_table();
inline constexpr bool is(char c, std::uint16_t bits) {
  return (table[static_cast<unsigned char>(c)] & bits) != 0;
}
}  // namespace cc

/// Value of a hex digit, or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// ASCII case-insensitive equality.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Strips SP/HTAB at both ends.
std::string_view trim(std::string_view s) noexcept;

/// True when every character of `s` is in one of `bits` or is a valid %HH escape; false for "".
bool all_escaped_of(std::string_view s, std::uint16_t bits) noexcept;

/// True when `s` is a non-empty token.
bool is_token(std::string_view s) noexcept;

/// Parses a decimal number of at most `max`; "0068" is 68. Errors: bad_header_value when `s` is
/// empty or has a non-digit, value_out_of_range when the value exceeds `max`.
std::error_code parse_uint(std::string_view s, std::uint64_t max, std::uint64_t& out) noexcept;

/// Decodes %HH escapes. Errors: bad_escape.
std::error_code unescape(std::string_view s, std::string& out);

/// Removes the quotes and the backslashes of quoted-pairs from a quoted-string (as returned with
/// its quotes by the scanners below); returns `s` unchanged when it is not quoted.
std::string unquote(std::string_view s);

/// Cursor over one header value whose line folds have already become spaces.
class scanner {
 public:
  explicit scanner(std::string_view s) noexcept : s_(s) {}

  bool at_end() const noexcept { return pos_ >= s_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : s_[pos_]; }
  std::size_t pos() const noexcept { return pos_; }
  std::string_view rest() const noexcept { return s_.substr(pos_); }
  std::string_view text() const noexcept { return s_; }

  /// Moves to `p` (clamped to the end).
  void seek(std::size_t p) noexcept { pos_ = p < s_.size() ? p : s_.size(); }
  /// Skips SP/HTAB.
  void skip_ws() noexcept;
  /// Consumes `c` (after optional whitespace, and whitespace after it); false if absent.
  bool take_sep(char c) noexcept;
  /// Consumes a run of characters in `bits` (escapes allowed when `escapes`); may be empty.
  std::string_view take(std::uint16_t bits, bool escapes = false) noexcept;
  /// Consumes characters while `pred(c)` holds; may be empty.
  template <class P>
  std::string_view take_while(P pred) noexcept {
    std::size_t const start = pos_;
    while (pos_ < s_.size() && pred(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  /// Consumes a quoted-string, returned with its quotes. Errors: bad_header_value if unterminated.
  std::error_code take_quoted(std::string_view& out) noexcept;

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

/// A validated `;name[=value]` list, kept as text and searched on demand. `raw` starts at the
/// first parameter (no leading ';'). Names compare case-insensitively. Quoted values are
/// returned with their quotes.
struct param_list {
  std::string_view raw;

  /// The value of parameter `name`: nullopt if absent, "" if present with no value.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  bool has(std::string_view name) const noexcept { return get(name).has_value(); }
  bool empty() const noexcept { return raw.empty(); }
  /// Calls f(name, value, has_value) for each parameter in order.
  template <class F>
  void for_each(F&& f) const;
};

/// Parses `;name[=value]...` generic header parameters (RFC 3261 §25.1 generic-param: value is
/// token, host or quoted-string) from the scanner, which stands on the first ';' (or at the end).
/// Stops at ',' or the end. Errors: bad_header_value for an empty or malformed parameter.
std::error_code scan_header_params(scanner& s, param_list& out) noexcept;

/// One step of a parameter walk over a param_list; false when done.
bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value) noexcept;

template <class F>
void param_list::for_each(F&& f) const {
  std::string_view rest = raw, name, value;
  bool has_value = false;
  while (next_param(rest, name, value, has_value)) f(name, value, has_value);
}

/// Splits a header value on top-level commas (not inside quotes or <...>), calling
/// `f(element) -> std::error_code` on each trimmed element; stops at the first error. Errors:
/// bad_header_value for an empty element or an unterminated quote, or what `f` returns.
template <class F>
std::error_code for_each_element(std::string_view value, F&& f) {
  std::size_t start = 0;
  bool in_quote = false, in_angle = false;
  for (std::size_t i = 0; i <= value.size(); ++i) {
    char const c = i < value.size() ? value[i] : ',';
    if (in_quote) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;
      } else if (c == '"') {
        in_quote = false;
      } else if (i == value.size()) {
        break;
      }
      continue;
    }
    if (c == '"') {
      in_quote = true;
    } else if (c == '<') {
      in_angle = true;
    } else if (c == '>') {
      in_angle = false;
    } else if (c == ',' && (!in_angle || i == value.size())) {
      std::string_view const element = trim(value.substr(start, i - start));
      if (element.empty()) return errc::bad_header_value;
      if (auto ec = f(element)) return ec;
      start = i + 1;
    }
  }
  if (in_quote) return errc::bad_header_value;
  return {};
}

}  // namespace gatehouse::sip
