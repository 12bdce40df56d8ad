#include "sip/parser.hpp"

#include <cstring>
#include <optional>

#include "sip/grammar.hpp"

namespace gatehouse::sip {

std::string parse_error::describe() const {
  std::string s = ec.message();
  if (header != header_id::other) s.append(" (").append(header_name(header)).append(")");
  return s;
}

/// Parses and validates the head (start line and header fields) of a message whose bytes are
/// already in message::buf_, turning line folds into spaces in place.
class head_parser {
 public:
  head_parser(message& m, parse_limits const& limits) : m_(m), limits_(limits) {}

  /// Parses buf_[0, end). On failure the message keeps what was read (for a request with a
  /// readable request line: method, URI and the header fields before the defect). On success
  /// `body_start` is the offset after the blank line (or `end` when the head runs to the end
  /// without one and `need_blank_line` is false).
  parse_error parse(std::size_t end, bool need_blank_line, std::size_t& body_start);

  /// Access for the framing code (datagram and stream) to the message's storage.
  static std::string& buffer(message& m) noexcept { return m.buf_; }
  static void set_body(message& m, std::size_t off, std::size_t len) noexcept {
    m.body_ = {std::uint32_t(off), std::uint32_t(len)};
  }

  /// Content-Length, when the message has one.
  std::optional<std::size_t> content_length() const noexcept { return content_length_; }

 private:
  using span = message::span;

  std::string_view text(std::size_t off, std::size_t len) const noexcept {
    return {m_.buf_.data() + off, len};
  }
  parse_error parse_start_line(std::size_t off, std::size_t len);
  parse_error validate();

  message& m_;
  parse_limits const& limits_;
  std::optional<std::size_t> content_length_;
};

namespace {

parse_error fail(errc e, header_id h = header_id::other) noexcept {
  return {make_error_code(e), h};
}

// RFC 3261 §7.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT ("SIP" is case-insensitive).
// Returns 1 for SIP/2.0, 0 for another well-formed version, -1 for garbage.
int check_version(std::string_view v) noexcept {
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return -1;
  std::string_view const n = v.substr(4);
  std::size_t const dot = n.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == n.size()) return -1;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (i != dot && !cc::is(n[i], cc::digit)) return -1;
  return n == "2.0" ? 1 : 0;
}

bool is_call_id(std::string_view v) noexcept {
  // callid = word [ "@" word ]
  if (v.empty()) return false;
  std::size_t ats = 0;
  for (char c : v) {
    if (c == '@')
      ++ats;
    else if (!cc::is(c, cc::word))
      return false;
  }
  return ats <= 1 && v.front() != '@' && v.back() != '@';
}

}  // namespace

parse_error head_parser::parse_start_line(std::size_t off, std::size_t len) {
  std::string_view const line = trim(text(off, len));
  auto const offset_of = [&](std::string_view part) {
    return std::uint32_t(part.data() - m_.buf_.data());
  };
  if (line.size() > 4 && iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    std::size_t const sp = line.find(' ');
    if (sp == std::string_view::npos) return fail(errc::bad_start_line);
    int const version = check_version(line.substr(0, sp));
    if (version < 0) return fail(errc::bad_start_line);
    if (version == 0) return fail(errc::bad_version);
    std::string_view rest = line.substr(sp + 1);
    std::size_t digits = 0;
    while (digits < rest.size() && cc::is(rest[digits], cc::digit)) ++digits;
    if (digits != 3 || (rest.size() > 3 && rest[3] != ' ')) return fail(errc::bad_status_code);
    int const code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
    if (code < 100 || code > 699) return fail(errc::bad_status_code);
    m_.status_ = code;
    std::string_view const reason = rest.size() > 4 ? rest.substr(4) : std::string_view{};
    m_.reason_ = {offset_of(reason.empty() ? rest.substr(3) : reason),
                  std::uint32_t(reason.size())};
    return {};
  }
  // Request-Line = Method SP Request-URI SP SIP-Version. Runs of SP are tolerated
  // (RFC 4475 §3.1.2.9 allows either); more than three elements means LWS inside the URI.
  std::string_view parts[4];
  std::size_t n = 0;
  std::string_view rest = line;
  while (!rest.empty() && n < 4) {
    std::size_t const sp = rest.find(' ');
    parts[n++] = rest.substr(0, sp);
    if (sp == std::string_view::npos) break;
    rest = rest.substr(sp);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  }
  if (n < 3) return fail(errc::bad_start_line);
  int const version = check_version(parts[n - 1]);
  if (version < 0) return fail(errc::bad_start_line);
  if (!is_token(parts[0])) return fail(errc::bad_method);
  // From here on the request can be answered: keep the method and URI so that a stateless
  // reply can be built once the headers are read.
  m_.status_ = 0;
  m_.method_ = {offset_of(parts[0]), std::uint32_t(parts[0].size())};
  m_.uri_ = {offset_of(parts[1]), std::uint32_t(parts[1].size())};
  if (n > 3) return fail(errc::bad_request_uri);
  if (version == 0) return fail(errc::bad_version);
  uri u;
  if (parse_uri(parts[1], u)) return fail(errc::bad_request_uri);
  return {};
}

parse_error head_parser::parse(std::size_t end, bool need_blank_line, std::size_t& body_start) {
  char* const buf = m_.buf_.data();
  std::size_t pos = 0;
  bool first = true;
  message::field* last = nullptr;
  std::size_t last_value_end = 0;
  parse_error start_error;
  std::size_t counted_fields = 0;
  for (;;) {
    if (pos >= end) {
      if (need_blank_line || first)
        return fail(first ? errc::bad_start_line : errc::bad_header_line);
      body_start = end;
      break;
    }
    auto const* nl = static_cast<char const*>(std::memchr(buf + pos, '\n', end - pos));
    std::size_t const next = nl ? std::size_t(nl - buf) + 1 : end;
    std::size_t line_end = nl ? std::size_t(nl - buf) : end;
    if (line_end > pos && buf[line_end - 1] == '\r') --line_end;
    std::size_t const len = line_end - pos;
    if (len > limits_.max_line) return fail(errc::line_too_long);
    if (first) {
      // A request line with a bad version or URI still has headers worth reading: the error
      // is reported after them, so that the caller can answer it (505, 400).
      start_error = parse_start_line(pos, len);
      if (start_error && m_.method().empty()) return start_error;
      first = false;
    } else if (len == 0) {
      body_start = next;
      break;
    } else if (buf[pos] == ' ' || buf[pos] == '\t') {
      // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field.
      if (!last) return fail(errc::bad_header_line);
      std::string_view const cont = trim(text(pos, len));
      if (!cont.empty()) {
        std::size_t const cont_off = std::size_t(cont.data() - buf);
        if (last->value.len == 0) {
          last->value.off = std::uint32_t(cont_off);
        } else {
          std::memset(buf + last_value_end, ' ', cont_off - last_value_end);
        }
        last_value_end = cont_off + cont.size();
        last->value.len = std::uint32_t(last_value_end - last->value.off);
      }
    } else {
      auto const* colon = static_cast<char const*>(std::memchr(buf + pos, ':', len));
      if (!colon) return fail(errc::bad_header_line);
      std::string_view const name = trim(text(pos, std::size_t(colon - buf) - pos));
      if (name.empty()) return fail(errc::bad_header_line);
      if (!is_token(name)) return fail(errc::bad_header_name);
      std::size_t const value_start = std::size_t(colon - buf) + 1;
      std::string_view const value = trim(text(value_start, line_end - value_start));
      std::size_t const value_off = value.empty() ? line_end : std::size_t(value.data() - buf);
      message::field f;
      f.id = lookup_header(name);
      // Content-Length is not counted: the writer always emits exactly one, so everything
      // gatehouse writes stays within what it reads. (Repeats are bounded by the size limit
      // and refused as duplicates.)
      if (f.id != header_id::content_length && counted_fields >= limits_.max_headers)
        return fail(errc::too_many_headers);
      f.name = {std::uint32_t(name.data() - buf), std::uint32_t(name.size())};
      f.value = {std::uint32_t(value_off), std::uint32_t(value.size())};
      m_.fields_.push_back(f);
      counted_fields += f.id != header_id::content_length;
      last = &m_.fields_.back();
      last_value_end = value_off + value.size();
    }
    pos = next;
  }
  if (start_error) return start_error;
  return validate();
}

parse_error head_parser::validate() {
  // Single-valued headers may appear once (RFC 3261 §7.3.1; RFC 4475 §3.3.8, §3.3.9).
  constexpr header_id singles[] = {header_id::from,         header_id::to,
                                   header_id::call_id,      header_id::cseq,
                                   header_id::max_forwards, header_id::content_length};
  std::size_t seen[std::size(singles)] = {};
  bool has_via = false;
  for (auto const& f : m_.fields_) {
    std::string_view const value = m_.view(f.value);
    for (std::size_t i = 0; i < std::size(singles); ++i)
      if (f.id == singles[i] && ++seen[i] > 1) return fail(errc::duplicate_header, f.id);
    switch (f.id) {
      case header_id::via: {
        has_via = true;
        auto const ec = for_each_via(value, [](via const&) { return std::error_code{}; });
        if (ec) return {ec, f.id};
        break;
      }
      case header_id::from:
      case header_id::to: {
        name_addr na;
        if (auto ec = parse_name_addr(value, na)) return {ec, f.id};
        break;
      }
      case header_id::call_id:
        if (!is_call_id(value)) return fail(errc::bad_header_value, f.id);
        break;
      case header_id::cseq: {
        cseq_value c;
        if (auto ec = parse_cseq(value, c)) return {ec, f.id};
        if (m_.is_request() && c.method != m_.method())
          return fail(errc::cseq_method_mismatch, f.id);
        break;
      }
      case header_id::max_forwards: {
        std::uint8_t mf = 0;
        if (auto ec = parse_max_forwards(value, mf)) return {ec, f.id};
        break;
      }
      case header_id::content_length: {
        std::uint64_t n = 0;
        if (parse_number(value, limits_.max_message_size, n))
          return fail(errc::bad_content_length, f.id);
        content_length_ = std::size_t(n);
        break;
      }
      default:
        break;
    }
  }
  // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in requests;
  // Max-Forwards is not enforced (RFC 2543 peers omit it, RFC 4475 §3.4.1).
  if (!has_via) return fail(errc::missing_header, header_id::via);
  for (std::size_t i = 0; i < 4; ++i)
    if (!seen[i]) return fail(errc::missing_header, singles[i]);
  return {};
}

namespace {

// Skips the CR/LF that may precede a start line (RFC 3261 §7.5).
std::size_t leading_crlf(std::string_view bytes) noexcept {
  std::size_t i = 0;
  while (i < bytes.size() && (bytes[i] == '\r' || bytes[i] == '\n')) ++i;
  return i;
}

}  // namespace

parse_error parse_datagram(std::string_view bytes, message& out, parse_limits const& limits) {
  out.clear();
  std::size_t const skip = leading_crlf(bytes);
  if (skip == bytes.size()) return fail(errc::keepalive);
  bytes.remove_prefix(skip);
  if (bytes.size() > limits.max_message_size) return fail(errc::message_too_large);
  std::string& buf = head_parser::buffer(out);
  buf.reserve(bytes.size() + 256);
  buf.assign(bytes);
  head_parser hp(out, limits);
  std::size_t body_start = 0;
  if (auto e = hp.parse(buf.size(), false, body_start)) return e;
  std::size_t const available = buf.size() - body_start;
  std::size_t const length = hp.content_length().value_or(available);
  if (length > available) return fail(errc::body_truncated, header_id::content_length);
  head_parser::set_body(out, body_start, length);
  return {};
}

std::size_t stream_parser::fail(parse_error e, std::error_code& ec) {
  error_ = e;
  state_ = state::failed;
  ec = e.ec;
  return 0;
}

void stream_parser::reset() {
  state_ = state::start;
  head_.clear();
  scan_from_ = 0;
  body_needed_ = 0;
  newlines_ = 0;
  error_ = {};
}

std::size_t stream_parser::put(std::string_view bytes, std::error_code& ec) {
  if (state_ == state::failed) {
    ec = error_.ec;
    return 0;
  }
  if (state_ == state::done) reset();
  std::size_t used = 0;
  if (state_ == state::start) {
    // RFC 3261 §7.5: ignore CRLF before a start line; RFC 5626 §3.5.1: CRLFCRLF is a ping.
    while (used < bytes.size() && (bytes[used] == '\r' || bytes[used] == '\n')) {
      if (bytes[used++] == '\n' && ++newlines_ == 2) {
        newlines_ = 0;
        ec = errc::keepalive;
        return used;
      }
    }
    if (used == bytes.size()) {
      ec = errc::need_more;
      return used;
    }
    newlines_ = 0;
    state_ = state::head;
  }
  if (state_ == state::head) {
    std::size_t const old_size = head_.size();
    std::size_t const room =
        limits_.max_message_size + 4 - std::min(old_size, limits_.max_message_size);
    std::size_t const take = std::min(bytes.size() - used, room);
    head_.append(bytes.substr(used, take));
    // The head ends with an empty line: "\n\n" or "\n\r\n".
    std::size_t end = std::string::npos;
    for (std::size_t i = scan_from_; i < head_.size(); ++i) {
      auto const* nl =
          static_cast<char const*>(std::memchr(head_.data() + i, '\n', head_.size() - i));
      if (!nl) break;
      i = std::size_t(nl - head_.data());
      if (i + 1 < head_.size() && head_[i + 1] == '\n') {
        end = i + 2;
        break;
      }
      if (i + 2 < head_.size() && head_[i + 1] == '\r' && head_[i + 2] == '\n') {
        end = i + 3;
        break;
      }
    }
    if (end == std::string::npos) {
      if (head_.size() > limits_.max_message_size)
        return fail({make_error_code(errc::message_too_large)}, ec);
      scan_from_ = head_.size() > 2 ? head_.size() - 2 : 0;
      ec = errc::need_more;
      return used + take;
    }
    // Bytes after the blank line were not ours.
    std::size_t const excess = head_.size() - end;
    used += take - excess;
    head_.resize(end);
    msg_.clear();
    std::string& buf = head_parser::buffer(msg_);
    buf.swap(head_);
    head_parser hp(msg_, limits_);
    std::size_t body_start = 0;
    if (auto e = hp.parse(buf.size(), true, body_start)) return fail(e, ec);
    if (!hp.content_length()) return fail({make_error_code(errc::missing_content_length)}, ec);
    body_needed_ = *hp.content_length();
    if (end + body_needed_ > limits_.max_message_size)
      return fail({make_error_code(errc::message_too_large), header_id::content_length}, ec);
    buf.reserve(end + body_needed_ + 256);
    head_parser::set_body(msg_, end, body_needed_);
    state_ = state::body;
  }
  if (state_ == state::body) {
    std::size_t const take = std::min(body_needed_, bytes.size() - used);
    head_parser::buffer(msg_).append(bytes.substr(used, take));
    used += take;
    body_needed_ -= take;
    if (body_needed_ > 0) {
      ec = errc::need_more;
      return used;
    }
    state_ = state::done;
  }
  ec = {};
  return used;
}

}  // namespace gatehouse::sip
