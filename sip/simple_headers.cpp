#include "sip/simple_headers.hpp"

#include "sip/error.hpp"

namespace gatehouse::sip {

namespace {

// Reads a run of digits as an integer no larger than `max`.
std::error_code take_uint(scanner& s, std::uint64_t max, std::uint64_t& out) noexcept {
  std::string_view const digits = s.take(cc::digit);
  return parse_uint(digits, max, out);
}

std::error_code expect_end(scanner& s) noexcept {
  s.skip_ws();
  return s.at_end() ? std::error_code{} : errc::bad_header_value;
}

constexpr std::uint64_t max_delta = 0xffffffffu;

}  // namespace

std::error_code parse_cseq(std::string_view value, cseq_value& out) noexcept {
  scanner s(value);
  s.skip_ws();
  std::uint64_t n = 0;
  // RFC 3261 §8.1.1.5: the sequence number MUST be less than 2**31.
  if (auto ec = take_uint(s, 0x7fffffffu, n)) return ec;
  std::size_t const before = s.pos();
  s.skip_ws();
  if (s.pos() == before) return errc::bad_header_value;
  out.method = s.take(cc::token);
  if (out.method.empty()) return errc::bad_header_value;
  out.number = static_cast<std::uint32_t>(n);
  return expect_end(s);
}

std::error_code parse_number(std::string_view value, std::uint64_t max,
                             std::uint64_t& out) noexcept {
  return parse_uint(trim(value), max, out);
}

std::error_code parse_delta_seconds(std::string_view value, std::uint32_t& out) noexcept {
  scanner s(value);
  s.skip_ws();
  std::uint64_t n = 0;
  if (auto ec = take_uint(s, max_delta, n)) return ec;
  param_list ignored;
  if (auto ec = scan_header_params(s, ignored)) return ec;
  out = static_cast<std::uint32_t>(n);
  return expect_end(s);
}

std::error_code parse_max_forwards(std::string_view value, std::uint8_t& out) noexcept {
  std::uint64_t n = 0;
  if (auto ec = parse_uint(trim(value), 255, n)) return ec;
  out = static_cast<std::uint8_t>(n);
  return {};
}

std::error_code parse_session_expires(std::string_view value, session_expires_value& out) noexcept {
  scanner s(value);
  s.skip_ws();
  std::uint64_t n = 0;
  if (auto ec = take_uint(s, max_delta, n)) return ec;
  if (auto ec = scan_header_params(s, out.params)) return ec;
  out.seconds = static_cast<std::uint32_t>(n);
  out.refresher = out.params.get("refresher").value_or("");
  if (!out.refresher.empty() && !iequals(out.refresher, "uac") && !iequals(out.refresher, "uas"))
    return errc::bad_header_value;
  return expect_end(s);
}

std::error_code parse_min_se(std::string_view value, std::uint32_t& out) noexcept {
  return parse_delta_seconds(value, out);
}

std::error_code parse_rack(std::string_view value, rack_value& out) noexcept {
  scanner s(value);
  s.skip_ws();
  std::uint64_t rseq = 0, cseq = 0;
  if (auto ec = take_uint(s, max_delta, rseq)) return ec;
  s.skip_ws();
  if (auto ec = take_uint(s, max_delta, cseq)) return ec;
  s.skip_ws();
  out.method = s.take(cc::token);
  if (out.method.empty()) return errc::bad_header_value;
  out.rseq = static_cast<std::uint32_t>(rseq);
  out.cseq = static_cast<std::uint32_t>(cseq);
  return expect_end(s);
}

std::error_code parse_retry_after(std::string_view value, retry_after_value& out) noexcept {
  scanner s(value);
  s.skip_ws();
  std::uint64_t n = 0;
  if (auto ec = take_uint(s, max_delta, n)) return ec;
  s.skip_ws();
  if (s.peek() == '(') {
    // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN
    constexpr int max_depth = 16;
    std::size_t const start = s.pos();
    int depth = 0;
    std::string_view const text = s.text();
    std::size_t i = start;
    for (; i < text.size(); ++i) {
      char const c = text[i];
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        if (++depth > max_depth) return errc::too_deeply_nested;
      } else if (c == ')' && --depth == 0) {
        break;
      }
    }
    if (depth != 0 || i >= text.size()) return errc::bad_header_value;
    out.comment = text.substr(start, i + 1 - start);
    s.seek(i + 1);
  }
  if (auto ec = scan_header_params(s, out.params)) return ec;
  out.seconds = static_cast<std::uint32_t>(n);
  return expect_end(s);
}

std::error_code parse_media_type(std::string_view value, media_type& out) noexcept {
  scanner s(value);
  s.skip_ws();
  out.type = s.take(cc::token);
  if (out.type.empty() || !s.take_sep('/')) return errc::bad_header_value;
  out.subtype = s.take(cc::token);
  if (out.subtype.empty()) return errc::bad_header_value;
  if (auto ec = scan_header_params(s, out.params)) return ec;
  return expect_end(s);
}

bool has_token(std::string_view list, std::string_view token) noexcept {
  bool found = false;
  (void)for_each_token(list, [&](std::string_view t) -> std::error_code {
    found = found || iequals(t, token);
    return {};
  });
  return found;
}

int reason_value::cause() const noexcept {
  std::uint64_t n = 0;
  auto const c = params.get("cause");
  if (!c || parse_uint(*c, 0x7fffffff, n)) return -1;
  return static_cast<int>(n);
}

std::error_code parse_reason(std::string_view element, reason_value& out) noexcept {
  scanner s(element);
  s.skip_ws();
  out.protocol = s.take(cc::token);
  if (out.protocol.empty()) return errc::bad_header_value;
  if (auto ec = scan_header_params(s, out.params)) return ec;
  return expect_end(s);
}

}  // namespace gatehouse::sip
