#include "sip/message.hpp"

#include <charconv>

#include "sip/error.hpp"

namespace gatehouse::sip {

message message::make_request(std::string_view method, std::string_view request_uri) {
  message m;
  m.set_request_line(method, request_uri);
  return m;
}

message message::make_response(int status, std::string_view reason) {
  message m;
  m.set_status(status, reason);
  return m;
}

void message::clear() noexcept {
  buf_.clear();
  fields_.clear();
  method_ = uri_ = reason_ = body_ = {};
  status_ = 0;
}

header_field message::header(std::size_t i) const noexcept {
  if (i >= fields_.size()) return {};
  auto const& f = fields_[i];
  return {f.id, view(f.name), view(f.value)};
}

std::size_t message::find_index(header_id id) const noexcept {
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].id == id) return i;
  return fields_.size();
}

std::optional<std::string_view> message::find(header_id id) const noexcept {
  std::size_t const i = find_index(id);
  if (i == fields_.size()) return std::nullopt;
  return view(fields_[i].value);
}

std::optional<std::string_view> message::find(std::string_view name) const noexcept {
  header_id const id = lookup_header(name);
  if (id != header_id::other) return find(id);
  for (auto const& f : fields_)
    if (f.id == header_id::other && iequals(view(f.name), name)) return view(f.value);
  return std::nullopt;
}

std::size_t message::count(header_id id) const noexcept {
  std::size_t n = 0;
  for (auto const& f : fields_) n += f.id == id;
  return n;
}

cseq_value message::cseq() const noexcept {
  cseq_value v;
  if (auto const s = find(header_id::cseq)) (void)parse_cseq(*s, v);
  return v;
}

std::error_code message::top_via(via& out) const noexcept {
  auto const v = find(header_id::via);
  if (!v) return errc::missing_header;
  scanner s(*v);
  return scan_via(s, out);
}

std::error_code message::parse_single(header_id id, name_addr& out) const noexcept {
  auto const v = find(id);
  if (!v) return errc::missing_header;
  return parse_name_addr(*v, out);
}

std::error_code message::from(name_addr& out) const noexcept {
  return parse_single(header_id::from, out);
}

std::error_code message::to(name_addr& out) const noexcept {
  return parse_single(header_id::to, out);
}

std::optional<std::uint8_t> message::max_forwards() const noexcept {
  auto const v = find(header_id::max_forwards);
  std::uint8_t n = 0;
  if (!v || parse_max_forwards(*v, n)) return std::nullopt;
  return n;
}

std::optional<media_type> message::content_type() const noexcept {
  auto const v = find(header_id::content_type);
  media_type m;
  if (!v || parse_media_type(*v, m)) return std::nullopt;
  return m;
}

message::span message::store(std::string_view text) {
  // `text` may point into buf_ itself: remember it as an offset before the buffer can move.
  char const* const base = buf_.data();
  bool const inside = !text.empty() && text.data() >= base && text.data() < base + buf_.size();
  std::size_t const from = inside ? std::size_t(text.data() - base) : 0;
  span const s{std::uint32_t(buf_.size()), std::uint32_t(text.size())};
  buf_.reserve(buf_.size() + text.size());
  if (inside)
    buf_.append(buf_, from, text.size());
  else
    buf_.append(text);
  return s;
}

message::field message::make_field(header_id id, std::string_view name, std::string_view value) {
  field f;
  f.id = id;
  f.name = store(name);
  f.value = store(value);
  return f;
}

void message::set_request_line(std::string_view method, std::string_view request_uri) {
  status_ = 0;
  method_ = store(method);
  uri_ = store(request_uri);
  reason_ = {};
}

void message::set_request_uri(std::string_view request_uri) {
  uri_ = store(request_uri);
}

void message::set_status(int status, std::string_view reason) {
  status_ = status;
  reason_ = store(reason);
  method_ = {};
  uri_ = {};
}

void message::add_header(header_id id, std::string_view value) {
  fields_.push_back(make_field(id, header_name(id), value));
}

void message::add_header(std::string_view name, std::string_view value) {
  fields_.push_back(make_field(lookup_header(name), name, value));
}

void message::push_front_header(header_id id, std::string_view value) {
  field const f = make_field(id, header_name(id), value);
  std::size_t const i = find_index(id);
  fields_.insert(fields_.begin() + std::ptrdiff_t(i == fields_.size() ? 0 : i), f);
}

void message::set_header(header_id id, std::string_view value) {
  std::size_t const i = find_index(id);
  if (i == fields_.size()) {
    add_header(id, value);
    return;
  }
  fields_[i].value = store(value);
  for (std::size_t j = fields_.size(); j-- > i + 1;)
    if (fields_[j].id == id) fields_.erase(fields_.begin() + std::ptrdiff_t(j));
}

void message::set_header(std::string_view name, std::string_view value) {
  header_id const id = lookup_header(name);
  if (id != header_id::other) {
    set_header(id, value);
    return;
  }
  remove_headers(name);
  add_header(name, value);
}

std::size_t message::remove_headers(header_id id) noexcept {
  std::size_t const before = fields_.size();
  std::erase_if(fields_, [id](field const& f) { return f.id == id; });
  return before - fields_.size();
}

std::size_t message::remove_headers(std::string_view name) noexcept {
  header_id const id = lookup_header(name);
  if (id != header_id::other) return remove_headers(id);
  std::size_t const before = fields_.size();
  std::erase_if(fields_, [&](field const& f) {
    return f.id == header_id::other && iequals(view(f.name), name);
  });
  return before - fields_.size();
}

bool message::pop_front_value(header_id id) {
  std::size_t const i = find_index(id);
  if (i == fields_.size()) return false;
  // Find the first top-level comma of the value; keep what follows it.
  std::string_view const value = view(fields_[i].value);
  std::size_t first_end = value.size();
  bool in_quote = false;
  int angle = 0;
  for (std::size_t k = 0; k < value.size(); ++k) {
    char const c = value[k];
    if (in_quote) {
      if (c == '\\')
        ++k;
      else if (c == '"')
        in_quote = false;
    } else if (c == '"') {
      in_quote = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      --angle;
    } else if (c == ',' && angle <= 0) {
      first_end = k;
      break;
    }
  }
  std::string_view const rest = trim(value.substr(std::min(first_end + 1, value.size())));
  if (first_end == value.size() || rest.empty()) {
    fields_.erase(fields_.begin() + std::ptrdiff_t(i));
  } else {
    // rest is a suffix of the value: shrink the span in place, no copy needed.
    fields_[i].value.off = std::uint32_t(rest.data() - buf_.data());
    fields_[i].value.len = std::uint32_t(rest.size());
  }
  return true;
}

void message::set_body(std::string_view body, std::string_view content_type) {
  body_ = store(body);
  if (!content_type.empty())
    set_header(header_id::content_type, content_type);
  else if (body.empty())
    remove_headers(header_id::content_type);
}

void message::write(std::string& out) const {
  out.reserve(out.size() + buf_.size() + 64);
  if (is_request()) {
    out.append(method()).append(" ").append(request_uri()).append(" SIP/2.0\r\n");
  } else {
    char code[8];
    auto const r = std::to_chars(code, code + sizeof code, status_);
    out.append("SIP/2.0 ").append(code, r.ptr).append(" ").append(reason()).append("\r\n");
  }
  char length[24];
  auto const lr = std::to_chars(length, length + sizeof length, body_.len);
  std::string_view const length_text(length, std::size_t(lr.ptr - length));
  bool wrote_length = false;
  for (auto const& f : fields_) {
    if (f.id == header_id::content_length) {
      if (wrote_length) continue;
      out.append(view(f.name)).append(": ").append(length_text).append("\r\n");
      wrote_length = true;
      continue;
    }
    out.append(view(f.name)).append(": ").append(view(f.value)).append("\r\n");
  }
  if (!wrote_length) out.append("Content-Length: ").append(length_text).append("\r\n");
  out.append("\r\n").append(body());
}

std::string message::to_string() const {
  std::string s;
  write(s);
  return s;
}

message make_response(message const& request, int status, std::string_view reason,
                      std::string_view to_tag) {
  message r = message::make_response(status, reason);
  for (std::size_t i = 0; i < request.header_count(); ++i) {
    auto const f = request.header(i);
    switch (f.id) {
      case header_id::via:
      case header_id::from:
      case header_id::call_id:
      case header_id::cseq:
      case header_id::timestamp:
        r.add_header(f.id, f.value);
        break;  // RFC 3261 §8.2.6.1
      case header_id::to: {
        name_addr to;
        if (!to_tag.empty() && !parse_name_addr(f.value, to) && !to.params.has("tag")) {
          std::string v(f.value);
          v.append(";tag=").append(to_tag);
          r.add_header(f.id, v);
        } else {
          r.add_header(f.id, f.value);
        }
        break;
      }
      default:
        break;
    }
  }
  return r;
}

}  // namespace gatehouse::sip
