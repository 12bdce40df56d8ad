#pragma once

// Lexical helpers shared by the SDP parsers. Internal to gatehouse_media.

#include <charconv>
#include <concepts>
#include <string_view>

namespace gatehouse::media::detail {

inline constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

inline constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

inline constexpr bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t';
}

/// RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
inline constexpr bool is_token_char(char c) noexcept {
  auto const u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x27) || u == 0x2a || u == 0x2b || u == 0x2d ||
         u == 0x2e || (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) ||
         (u >= 0x5e && u <= 0x7e);
}

/// RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/"
inline constexpr bool is_ice_char(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '/';
}

template <class Pred>
constexpr bool all_of(std::string_view s, Pred pred) noexcept {
  for (char c : s)
    if (!pred(c)) return false;
  return true;
}

inline constexpr bool is_token(std::string_view s) noexcept {
  return !s.empty() && all_of(s, is_token_char);
}

/// Characters of an IPv4/IPv6 literal or an FQDN (RFC 8866 §9 unicast-address, simplified).
inline constexpr bool is_address(std::string_view s) noexcept {
  return !s.empty() && all_of(s, [](char c) {
    return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == ':';
  });
}

/// Parses a whole string of decimal digits into `out`; false on anything else or on overflow.
template <std::unsigned_integral T>
bool parse_uint(std::string_view s, T& out) noexcept {
  if (s.empty() || !is_digit(s.front())) return false;
  T v{};
  auto const [ptr, err] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (err != std::errc{} || ptr != s.data() + s.size()) return false;
  out = v;
  return true;
}

/// Case-insensitive ASCII comparison.
inline constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// Splits a field value into words separated by runs of SP/HTAB. RFC 8866 asks for exactly one
/// SP; runs are tolerated because some endpoints pad with extra blanks.
class words {
 public:
  explicit constexpr words(std::string_view s) noexcept : rest_(s) {}

  /// The next word; empty when none is left.
  constexpr std::string_view next() noexcept {
    skip();
    std::size_t n = 0;
    while (n < rest_.size() && !is_blank(rest_[n])) ++n;
    auto const word = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return word;
  }

  /// Everything after the words taken so far, without leading blanks.
  constexpr std::string_view rest() noexcept {
    skip();
    return rest_;
  }

  /// True when no word is left.
  constexpr bool done() noexcept { return rest().empty(); }

 private:
  constexpr void skip() noexcept {
    while (!rest_.empty() && is_blank(rest_.front())) rest_.remove_prefix(1);
  }
  std::string_view rest_;
};

}  // namespace gatehouse::media::detail
