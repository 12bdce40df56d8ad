#include "media/ip_address.hpp"

#include <algorithm>
#include <cstdio>

namespace gatehouse::media {

namespace {

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) noexcept {
  std::array<std::uint8_t, 4> out{};
  for (int part = 0; part < 4; ++part) {
    std::size_t n = 0;
    unsigned v = 0;
    while (n < s.size() && n < 4 && s[n] >= '0' && s[n] <= '9') v = v * 10 + unsigned(s[n++] - '0');
    if (n == 0 || n > 3 || v > 255) return std::nullopt;
    out[std::size_t(part)] = std::uint8_t(v);
    s.remove_prefix(n);
    if (part < 3) {
      if (s.empty() || s.front() != '.') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (!s.empty()) return std::nullopt;
  return out;
}

int hex(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) noexcept {
  // Up to 8 groups; "::" once stands for the zero groups; the last 32 bits may be dotted quad.
  std::array<std::uint16_t, 8> head{}, tail{};
  int nh = 0, nt = 0;
  bool compressed = false;
  if (s.starts_with("::")) {
    compressed = true;
    s.remove_prefix(2);
  } else if (s.starts_with(":")) {
    return std::nullopt;
  }
  while (!s.empty()) {
    auto& groups = compressed ? tail : head;
    int& n = compressed ? nt : nh;
    std::size_t len = 0;
    unsigned v = 0;
    while (len < s.size() && len < 5 && hex(s[len]) >= 0) v = v * 16 + unsigned(hex(s[len++]));
    if (len < s.size() && s[len] == '.') {
      auto const v4 = parse_v4(s);
      if (!v4 || n > 6) return std::nullopt;
      groups[std::size_t(n++)] = std::uint16_t((*v4)[0] << 8 | (*v4)[1]);
      groups[std::size_t(n++)] = std::uint16_t((*v4)[2] << 8 | (*v4)[3]);
      s = {};
      break;
    }
    if (len == 0 || len > 4 || n >= 8) return std::nullopt;
    groups[std::size_t(n++)] = std::uint16_t(v);
    s.remove_prefix(len);
    if (s.empty()) break;
    if (s.front() != ':') return std::nullopt;
    s.remove_prefix(1);
    if (!s.empty() && s.front() == ':') {
      if (compressed) return std::nullopt;
      compressed = true;
      s.remove_prefix(1);
    } else if (s.empty()) {
      return std::nullopt;
    }
  }
  if (compressed ? nh + nt > 7 : nh != 8) return std::nullopt;
  std::array<std::uint8_t, 16> out{};
  for (int i = 0; i < nh; ++i) {
    out[std::size_t(2 * i)] = std::uint8_t(head[std::size_t(i)] >> 8);
    out[std::size_t(2 * i + 1)] = std::uint8_t(head[std::size_t(i)]);
  }
  for (int i = 0; i < nt; ++i) {
    std::size_t const at = std::size_t(2 * (8 - nt + i));
    out[at] = std::uint8_t(tail[std::size_t(i)] >> 8);
    out[at + 1] = std::uint8_t(tail[std::size_t(i)]);
  }
  return out;
}

}  // namespace

std::optional<ip_address> parse_ip(std::string_view text) noexcept {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    auto const v6 = parse_v6(text.substr(1, text.size() - 2));
    if (!v6) return std::nullopt;
    return ip_address{true, *v6};
  }
  if (auto const v4 = parse_v4(text)) {
    ip_address a;
    std::copy(v4->begin(), v4->end(), a.bytes.begin());
    return a;
  }
  if (auto const v6 = parse_v6(text)) return ip_address{true, *v6};
  return std::nullopt;
}

std::string to_string(ip_address const& a) {
  char buf[64];
  if (!a.v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]);
    return buf;
  }
  std::uint16_t g[8];
  for (int i = 0; i < 8; ++i)
    g[i] = std::uint16_t(a.bytes[std::size_t(2 * i)] << 8 | a.bytes[std::size_t(2 * i + 1)]);
  // RFC 5952 §4.2: the longest run of two or more zero groups becomes "::" (the first on a tie).
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", g[i]);
    out += buf;
  }
  return out;
}

}  // namespace gatehouse::media
