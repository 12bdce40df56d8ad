#include "media/sdp.hpp"

#include <cassert>
#include <limits>
#include <utility>

#include "media/sdp_lex.hpp"

namespace gatehouse::media {
namespace {

// RFC 8866 §5: the order of the lines within a session section and within a media section.
// Types the RFC does not list rank last, so new lines never go after them by accident.
int rank(char type, bool media) noexcept {
  std::string_view const order = media ? "micbka" : "vosiuepcbtrzka";
  auto const i = order.find(type);
  return i == std::string_view::npos ? static_cast<int>(order.size()) : static_cast<int>(i);
}

std::string attribute_text(std::string_view name, std::optional<std::string_view> value) {
  std::string s(name);
  if (value) s.append(":").append(*value);
  return s;
}

bool is_attribute(sdp_line const& l, std::string_view name) noexcept {
  return l.type == 'a' && split_attribute(l.value).name == name;
}

bool is_direction(sdp_line const& l) noexcept {
  return l.type == 'a' && direction_from_name(l.value).has_value();
}

// The parsed first a=<name>, see the contract in sdp.hpp.
template <class Parse>
auto first_typed(sdp_section const& s, std::string_view name, Parse parse, std::error_code& ec)
    -> std::optional<decltype(parse(std::string_view{}, ec))> {
  ec = {};
  auto const value = s.attribute(name);
  if (!value) return std::nullopt;
  auto parsed = parse(*value, ec);
  if (ec) return std::nullopt;
  return parsed;
}

// The parsed a=<name> lines that are well-formed; `ec` is the first error met.
template <class Parse>
auto all_typed(sdp_section const& s, std::string_view name, Parse parse, std::error_code& ec)
    -> std::vector<decltype(parse(std::string_view{}, ec))> {
  ec = {};
  std::vector<decltype(parse(std::string_view{}, ec))> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto const l = s.line(i);
    if (!is_attribute(l, name)) continue;
    std::error_code e;
    auto parsed = parse(split_attribute(l.value).value.value_or(""), e);
    if (!e) {
      out.push_back(std::move(parsed));
    } else if (!ec) {
      ec = e;
    }
  }
  return out;
}

// True when `s` is nothing but line ends: the blank lines some endpoints leave at the end.
bool only_line_ends(std::string_view s) noexcept {
  while (!s.empty()) {
    if (s.front() == '\n') {
      s.remove_prefix(1);
    } else if (s.starts_with("\r\n") || s == "\r") {
      s.remove_prefix(s.size() == 1 ? 1 : 2);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

sdp_attribute split_attribute(std::string_view line_value) noexcept {
  auto const colon = line_value.find(':');
  if (colon == std::string_view::npos) return {line_value, std::nullopt};
  return {line_value.substr(0, colon), line_value.substr(colon + 1)};
}

// ---- sdp_section: reading ----

sdp_line sdp_section::line(std::size_t i) const noexcept {
  assert(i < lines_.size());
  auto const& l = lines_[i];
  return {l.type, std::string_view(text_).substr(l.offset, l.size)};
}

std::optional<std::string_view> sdp_section::find(char type) const noexcept {
  for (std::size_t i = 0; i < size(); ++i) {
    if (lines_[i].type == type) return line(i).value;
  }
  return std::nullopt;
}

bool sdp_section::has_attribute(std::string_view name) const noexcept {
  return attribute(name).has_value();
}

std::optional<std::string_view> sdp_section::attribute(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < size(); ++i) {
    auto const l = line(i);
    if (is_attribute(l, name)) return split_attribute(l.value).value.value_or("");
  }
  return std::nullopt;
}

std::vector<std::string_view> sdp_section::attributes(std::string_view name) const {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < size(); ++i) {
    auto const l = line(i);
    if (is_attribute(l, name)) out.push_back(split_attribute(l.value).value.value_or(""));
  }
  return out;
}

std::optional<connection_info> sdp_section::connection() const {
  auto const value = find('c');
  if (!value) return std::nullopt;
  std::error_code ec;
  auto c = parse_connection(*value, ec);  // checked by parse(); set_connection writes valid ones
  if (ec) return std::nullopt;
  return c;
}

std::optional<media_direction> sdp_section::direction() const noexcept {
  for (std::size_t i = 0; i < size(); ++i) {
    auto const l = line(i);
    if (is_direction(l)) return direction_from_name(l.value);
  }
  return std::nullopt;
}

std::vector<rtpmap_attribute> sdp_section::rtpmaps(std::error_code& ec) const {
  return all_typed(*this, "rtpmap", parse_rtpmap, ec);
}

std::vector<fmtp_attribute> sdp_section::fmtps(std::error_code& ec) const {
  return all_typed(*this, "fmtp", parse_fmtp, ec);
}

std::optional<std::chrono::microseconds> sdp_section::ptime(std::error_code& ec) const {
  return first_typed(*this, "ptime", parse_ptime, ec);
}

std::optional<rtcp_attribute> sdp_section::rtcp(std::error_code& ec) const {
  return first_typed(*this, "rtcp", parse_rtcp, ec);
}

std::vector<crypto_attribute> sdp_section::cryptos(std::error_code& ec) const {
  return all_typed(*this, "crypto", parse_crypto, ec);
}

std::optional<std::string_view> sdp_section::ice_ufrag(std::error_code& ec) const {
  return first_typed(*this, "ice-ufrag", parse_ice_ufrag, ec);
}

std::optional<std::string_view> sdp_section::ice_pwd(std::error_code& ec) const {
  return first_typed(*this, "ice-pwd", parse_ice_pwd, ec);
}

std::vector<ice_candidate> sdp_section::candidates(std::error_code& ec) const {
  return all_typed(*this, "candidate", parse_candidate, ec);
}

std::vector<fingerprint_attribute> sdp_section::fingerprints(std::error_code& ec) const {
  return all_typed(*this, "fingerprint", parse_fingerprint, ec);
}

std::optional<setup_role> sdp_section::setup(std::error_code& ec) const {
  return first_typed(*this, "setup", parse_setup, ec);
}

std::optional<std::string_view> sdp_section::mid(std::error_code& ec) const {
  return first_typed(*this, "mid", parse_mid, ec);
}

std::vector<group_attribute> sdp_section::groups(std::error_code& ec) const {
  return all_typed(*this, "group", parse_group, ec);
}

// ---- sdp_section: editing ----

void sdp_section::set_attribute(std::string_view name) {
  set_attribute_impl(name, std::nullopt);
}

void sdp_section::set_attribute(std::string_view name, std::string_view value) {
  set_attribute_impl(name, value);
}

void sdp_section::set_attribute_impl(std::string_view name, std::optional<std::string_view> value) {
  auto const text = attribute_text(name, value);  // a copy: name or value may point into text_
  std::optional<std::size_t> first;
  for (std::size_t i = size(); i-- > 0;) {
    if (!is_attribute(line(i), name)) continue;
    if (first) erase_line(*first);
    first = i;
  }
  if (first) {
    replace_line(*first, 'a', text);
  } else {
    insert_line(size(), 'a', text);
  }
}

void sdp_section::add_attribute(std::string_view name) {
  insert_line(size(), 'a', attribute_text(name, std::nullopt));
}

void sdp_section::add_attribute(std::string_view name, std::string_view value) {
  insert_line(size(), 'a', attribute_text(name, value));
}

std::size_t sdp_section::remove_attributes(std::string_view name) {
  std::size_t removed = 0;
  for (std::size_t i = size(); i-- > 0;) {
    if (is_attribute(line(i), name)) {
      erase_line(i);
      ++removed;
    }
  }
  return removed;
}

void sdp_section::replace_attributes_impl(std::string_view name,
                                          std::span<std::string_view const> values) {
  // Copy every new line first: name and values may point into text_, which edits reallocate.
  std::vector<std::string> texts;
  texts.reserve(values.size());
  for (auto v : values) texts.push_back(attribute_text(name, v));
  std::vector<std::size_t> old;
  for (std::size_t i = 0; i < size(); ++i) {
    if (is_attribute(line(i), name)) old.push_back(i);
  }
  std::size_t const common = std::min(old.size(), texts.size());
  for (std::size_t k = 0; k < common; ++k) replace_line(old[k], 'a', texts[k]);
  for (std::size_t k = old.size(); k-- > common;) erase_line(old[k]);
  // Values past the old lines (only when no old line was erased) follow the last old line.
  std::size_t at = old.empty() ? size() : old.back() + 1;
  for (std::size_t k = common; k < texts.size(); ++k) insert_line(at++, 'a', texts[k]);
}

void sdp_section::set_direction(media_direction d) {
  std::optional<std::size_t> first;
  for (std::size_t i = size(); i-- > 0;) {
    if (!is_direction(line(i))) continue;
    if (first) erase_line(*first);
    first = i;
  }
  if (first) {
    replace_line(*first, 'a', to_string(d));
  } else {
    insert_line(size(), 'a', to_string(d));
  }
}

void sdp_section::set_connection(address_type type, std::string_view address) {
  assert(detail::is_address(address));
  connection_info c;
  c.type = type;
  c.address = address;
  auto const text = to_string(c);
  std::optional<std::size_t> first;
  for (std::size_t i = size(); i-- > 0;) {
    if (lines_[i].type != 'c') continue;
    if (first) erase_line(*first);
    first = i;
  }
  if (first) {
    replace_line(*first, 'c', text);
  } else {
    insert_ordered('c', text);
  }
}

std::size_t sdp_section::remove_lines(char type) {
  assert(type != 'v' && type != 'o' && type != 's' && type != 'm');
  std::size_t removed = 0;
  for (std::size_t i = size(); i-- > 0;) {
    if (lines_[i].type == type) {
      erase_line(i);
      ++removed;
    }
  }
  return removed;
}

void sdp_section::replace_line(std::size_t i, char type, std::string_view value) {
  assert(i < lines_.size());
  auto const old_size = lines_[i].size;
  auto const offset = store(value);
  lines_[i] = {type, offset, static_cast<std::uint32_t>(value.size())};
  garbage_ += old_size;
}

void sdp_section::insert_line(std::size_t i, char type, std::string_view value) {
  assert(i <= lines_.size());
  auto const offset = store(value);
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(i),
                {type, offset, static_cast<std::uint32_t>(value.size())});
}

void sdp_section::insert_ordered(char type, std::string_view value) {
  bool const media = kind_ == kind::media;
  int const r = rank(type, media);
  std::size_t i = lines_.empty() ? 0 : 1;
  while (i < lines_.size() && rank(lines_[i].type, media) <= r) ++i;
  insert_line(i, type, value);
}

void sdp_section::erase_line(std::size_t i) {
  assert(i < lines_.size());
  garbage_ += lines_[i].size;
  lines_.erase(lines_.begin() + static_cast<std::ptrdiff_t>(i));
}

// Appends `value` to text_ and returns its offset. `value` must not point into text_. Edits
// leave the replaced text behind; once that is most of text_, it is squeezed out.
std::uint32_t sdp_section::store(std::string_view value) {
  if (garbage_ > 1024 && garbage_ > text_.size() / 2) compact();
  assert(text_.size() + value.size() <= std::numeric_limits<std::uint32_t>::max());
  auto const offset = static_cast<std::uint32_t>(text_.size());
  text_.append(value);
  return offset;
}

void sdp_section::compact() {
  std::string text;
  text.reserve(text_.size() - garbage_);
  for (auto& l : lines_) {
    auto const offset = static_cast<std::uint32_t>(text.size());
    text.append(text_, l.offset, l.size);
    l.offset = offset;
  }
  text_ = std::move(text);
  garbage_ = 0;
}

// ---- sdp_section: writing ----

void sdp_section::write(std::string& out) const {
  for (std::size_t i = 0; i < size(); ++i) {
    auto const l = line(i);
    out.push_back(l.type);
    out.push_back('=');
    out.append(l.value);
    out.append("\r\n");
  }
}

std::size_t sdp_section::written_size() const noexcept {
  std::size_t n = 0;
  for (auto const& l : lines_) n += l.size + 4;
  return n;
}

bool operator==(sdp_section const& a, sdp_section const& b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.line(i) != b.line(i)) return false;
  }
  return true;
}

// ---- media_description ----

media_info media_description::info() const {
  if (size() == 0) return {};
  std::error_code ec;
  auto m = parse_media(line(0).value, ec);  // checked by parse(); the setters write valid ones
  return ec ? media_info{} : m;
}

std::vector<std::string_view> media_description::formats() const {
  std::vector<std::string_view> out;
  for (detail::words w(info().formats); !w.done();) out.push_back(w.next());
  return out;
}

void media_description::set_port(std::uint16_t port, std::optional<std::uint16_t> count) {
  assert(!count || *count > 0);
  auto m = info();
  m.port = port;
  m.port_count = count;
  set_info(m);
}

void media_description::set_protocol(std::string_view protocol) {
  auto m = info();
  m.protocol = protocol;
  set_info(m);
}

void media_description::set_formats(std::string_view formats) {
  auto m = info();
  m.formats = formats;
  set_info(m);
}

void media_description::set_info(media_info const& m) {
  assert(size() > 0);
  auto const text = to_string(m);  // a copy: m's views may point into text_
  [[maybe_unused]] std::error_code ec;
  assert((parse_media(text, ec), !ec));
  replace_line(0, 'm', text);
}

// ---- session_description ----

session_description session_description::parse(std::string_view text, std::error_code& ec,
                                               parse_options const& options) {
  using kind = sdp_section::kind;
  auto fail = [&](errc e) {
    ec = e;
    return session_description{};
  };
  ec = {};
  if (text.size() > options.max_size || text.size() > std::numeric_limits<std::uint32_t>::max())
    return fail(errc::too_large);

  session_description d;
  std::vector<sdp_section::line_ref> lines;
  std::size_t section_begin = 0;  // offset in `text` of the current section's first line
  std::size_t end = 0;            // offset just past the last line taken
  std::size_t line_count = 0;
  std::size_t media_count = 0;
  bool in_media = false;  // the current section is a media section
  bool seen_origin = false;
  bool seen_name = false;

  // Closes the section that runs from section_begin to `until`.
  auto finish_section = [&](std::size_t until) {
    std::string raw(text.substr(section_begin, until - section_begin));
    if (!in_media) {
      d.session_ = sdp_section(kind::session, std::move(raw), std::move(lines));
    } else {
      d.media_.push_back(media_description(kind::media, std::move(raw), std::move(lines)));
    }
    lines = {};
  };

  for (std::size_t pos = 0; pos < text.size();) {
    auto const eol = text.find('\n', pos);
    auto const line_end = eol == std::string_view::npos ? text.size() : eol;
    auto const next = eol == std::string_view::npos ? text.size() : eol + 1;
    auto line = text.substr(pos, line_end - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);  // RFC 8866 §5: CRLF, or LF alone
    if (line.empty()) {
      // RFC 8866 §5 has no empty lines; tolerate them at the end only.
      if (!only_line_ends(text.substr(next))) return fail(errc::malformed_line);
      break;
    }
    if (++line_count > options.max_lines) return fail(errc::too_many_lines);
    // RFC 8866 §5: <type>=<value>, type a single lower-case letter; values never hold NUL or CR.
    if (line.size() < 2 || line[0] < 'a' || line[0] > 'z' || line[1] != '=' ||
        line.find_first_of(std::string_view("\0\r", 2)) != std::string_view::npos)
      return fail(errc::malformed_line);
    char const type = line[0];
    auto const value = line.substr(2);

    if (line_count == 1) {
      // RFC 8866 §5: the first line is v=; §5.1: the version is 0.
      if (type != 'v') return fail(errc::missing_version);
      if (value != "0") return fail(errc::bad_version);
    } else {
      switch (type) {
        case 'v':
          return fail(errc::unexpected_line);
        case 'o':
          if (in_media || seen_origin) return fail(errc::unexpected_line);
          parse_origin(value, ec);
          if (ec) return session_description{};
          seen_origin = true;
          break;
        case 's':
          if (in_media || seen_name) return fail(errc::unexpected_line);
          seen_name = true;
          break;
        case 'c':
          parse_connection(value, ec);
          if (ec) return session_description{};
          break;
        case 'm':
          if (!seen_origin) return fail(errc::missing_origin);
          if (!seen_name) return fail(errc::missing_session_name);
          parse_media(value, ec);
          if (ec) return session_description{};
          if (++media_count > options.max_media) return fail(errc::too_many_media);
          finish_section(pos);
          in_media = true;
          section_begin = pos;
          break;
        default:
          break;
      }
    }
    lines.push_back({type, static_cast<std::uint32_t>(pos + 2 - section_begin),
                     static_cast<std::uint32_t>(value.size())});
    pos = end = next;
  }
  if (line_count == 0) return fail(errc::missing_version);
  if (!seen_origin) return fail(errc::missing_origin);
  if (!seen_name) return fail(errc::missing_session_name);
  finish_section(end);
  return d;
}

origin_info session_description::origin() const {
  auto const value = session_.find('o');
  if (!value) return {};
  std::error_code ec;
  auto o = parse_origin(*value, ec);  // checked by parse(); set_origin writes valid ones
  return ec ? origin_info{} : o;
}

void session_description::set_origin(origin_info const& o) {
  auto const text = media::to_string(o);  // a copy: o's views may point into text_
  [[maybe_unused]] std::error_code ec;
  assert((parse_origin(text, ec), !ec));
  for (std::size_t i = 0; i < session_.size(); ++i) {
    if (session_.lines_[i].type == 'o') return session_.replace_line(i, 'o', text);
  }
  session_.insert_ordered('o', text);
}

void session_description::set_origin_address(address_type type, std::string_view address) {
  auto o = origin();
  o.addr_type = media::to_string(type);
  o.address = address;
  set_origin(o);
}

void session_description::bump_version() {
  auto o = origin();
  ++o.session_version;
  set_origin(o);
}

std::optional<connection_info> session_description::effective_connection(
    media_description const& m) const {
  auto c = m.connection();
  return c ? c : session_.connection();
}

media_direction session_description::effective_direction(
    media_description const& m) const noexcept {
  return m.direction().value_or(session_.direction().value_or(media_direction::sendrecv));
}

void session_description::write(std::string& out) const {
  session_.write(out);
  for (auto const& m : media_) m.write(out);
}

std::string session_description::to_string() const {
  std::size_t n = session_.written_size();
  for (auto const& m : media_) n += m.written_size();
  std::string out;
  out.reserve(n);
  write(out);
  return out;
}

}  // namespace gatehouse::media
