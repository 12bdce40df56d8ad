#include "media/sdp_attributes.hpp"

#include "media/sdp_lex.hpp"

namespace gatehouse::media {

using detail::all_of;
using detail::is_digit;
using detail::is_ice_char;
using detail::is_token;
using detail::parse_uint;
using detail::words;

namespace {

// RFC 8866 §9: payload types of rtpmap and fmtp are 0..127 (the RTP header has 7 bits).
bool parse_payload_type(std::string_view s, std::uint8_t& pt) noexcept {
  return parse_uint(s, pt) && pt <= 127;
}

// The only word of `value`, or empty when there are none or several.
std::string_view single_word(std::string_view value) noexcept {
  words w(value);
  auto const word = w.next();
  return w.done() ? word : std::string_view{};
}

std::string_view trim_end(std::string_view s) noexcept {
  while (!s.empty() && detail::is_blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view to_string(media_direction d) noexcept {
  switch (d) {
    case media_direction::sendonly:
      return "sendonly";
    case media_direction::recvonly:
      return "recvonly";
    case media_direction::inactive:
      return "inactive";
    case media_direction::sendrecv:
      break;
  }
  return "sendrecv";
}

std::optional<media_direction> direction_from_name(std::string_view name) noexcept {
  if (name == "sendrecv") return media_direction::sendrecv;
  if (name == "sendonly") return media_direction::sendonly;
  if (name == "recvonly") return media_direction::recvonly;
  if (name == "inactive") return media_direction::inactive;
  return std::nullopt;
}

// RFC 8866 §6.6
rtpmap_attribute parse_rtpmap(std::string_view value, std::error_code& ec) {
  words w(value);
  rtpmap_attribute r;
  bool ok = parse_payload_type(w.next(), r.payload_type);
  auto encoding = w.next();
  ok = ok && w.done();
  auto const slash = encoding.find('/');
  r.encoding_name = encoding.substr(0, slash);
  ok = ok && slash != std::string_view::npos && is_token(r.encoding_name);
  if (ok) {
    auto rate = encoding.substr(slash + 1);
    auto const slash2 = rate.find('/');
    if (slash2 != std::string_view::npos) {
      std::uint32_t channels = 0;
      ok = parse_uint(rate.substr(slash2 + 1), channels) && channels > 0;
      r.channels = channels;
      rate = rate.substr(0, slash2);
    }
    ok = ok && parse_uint(rate, r.clock_rate) && r.clock_rate > 0;
  }
  if (!ok) {
    ec = errc::malformed_rtpmap;
    return {};
  }
  ec = {};
  return r;
}

std::string to_string(rtpmap_attribute const& r) {
  std::string s = std::to_string(r.payload_type);
  s.append(" ").append(r.encoding_name).append("/").append(std::to_string(r.clock_rate));
  if (r.channels) s.append("/").append(std::to_string(*r.channels));
  return s;
}

// RFC 8866 §6.15
fmtp_attribute parse_fmtp(std::string_view value, std::error_code& ec) {
  words w(value);
  fmtp_attribute f;
  if (!parse_payload_type(w.next(), f.payload_type)) {
    ec = errc::malformed_fmtp;
    return {};
  }
  f.parameters = trim_end(w.rest());
  ec = {};
  return f;
}

std::string to_string(fmtp_attribute const& f) {
  std::string s = std::to_string(f.payload_type);
  if (!f.parameters.empty()) s.append(" ").append(f.parameters);
  return s;
}

// RFC 8866 §6.4: ptime-value = non-zero-int-or-real; digits past the microsecond are dropped.
std::chrono::microseconds parse_ptime(std::string_view value, std::error_code& ec) {
  auto const word = single_word(value);
  auto const dot = word.find('.');
  auto const whole = word.substr(0, dot);
  auto const fraction = dot == std::string_view::npos ? std::string_view{} : word.substr(dot + 1);
  std::uint32_t ms = 0;
  bool ok = parse_uint(whole, ms) && all_of(fraction, is_digit) &&
            (dot == std::string_view::npos || !fraction.empty());
  std::int64_t us = static_cast<std::int64_t>(ms) * 1000;
  std::int64_t scale = 100;
  for (std::size_t i = 0; ok && i < fraction.size() && scale > 0; ++i, scale /= 10) {
    us += (fraction[i] - '0') * scale;
  }
  if (!ok || us == 0) {
    ec = errc::malformed_ptime;
    return {};
  }
  ec = {};
  return std::chrono::microseconds(us);
}

// RFC 3605 §2.1
rtcp_attribute parse_rtcp(std::string_view value, std::error_code& ec) {
  words w(value);
  rtcp_attribute r;
  bool ok = parse_uint(w.next(), r.port);
  if (ok && !w.done()) {
    r.connection = parse_connection(w.rest(), ec);
    ok = !ec;
  }
  if (!ok) {
    ec = errc::malformed_rtcp;
    return {};
  }
  ec = {};
  return r;
}

std::string to_string(rtcp_attribute const& r) {
  std::string s = std::to_string(r.port);
  if (r.connection) s.append(" ").append(to_string(*r.connection));
  return s;
}

// RFC 4568 §9.1: tag = 1*9DIGIT; crypto-suite = 1*(ALPHA / DIGIT / "_");
// key-params = key-param *(";" key-param); key-param = key-method ":" key-info
crypto_attribute parse_crypto(std::string_view value, std::error_code& ec) {
  words w(value);
  crypto_attribute c;
  auto const tag = w.next();
  c.suite = w.next();
  c.key_params = w.next();
  c.session_params = trim_end(w.rest());
  auto const colon = c.key_params.find(':');
  bool const ok =
      tag.size() <= 9 && parse_uint(tag, c.tag) && !c.suite.empty() &&
      all_of(c.suite, [](char ch) { return detail::is_alpha(ch) || is_digit(ch) || ch == '_'; }) &&
      colon != std::string_view::npos && colon > 0 && colon + 1 < c.key_params.size() &&
      is_token(c.key_params.substr(0, colon));
  if (!ok) {
    ec = errc::malformed_crypto;
    return {};
  }
  ec = {};
  return c;
}

std::string to_string(crypto_attribute const& c) {
  std::string s = std::to_string(c.tag);
  s.append(" ").append(c.suite).append(" ").append(c.key_params);
  if (!c.session_params.empty()) s.append(" ").append(c.session_params);
  return s;
}

// RFC 8839 §5.4: ice-ufrag = 4*256ice-char; ice-pwd = 22*256ice-char
std::string_view parse_ice_ufrag(std::string_view value, std::error_code& ec) {
  auto const word = single_word(value);
  if (word.size() < 4 || word.size() > 256 || !all_of(word, is_ice_char)) {
    ec = errc::malformed_ice_ufrag;
    return {};
  }
  ec = {};
  return word;
}

std::string_view parse_ice_pwd(std::string_view value, std::error_code& ec) {
  auto const word = single_word(value);
  if (word.size() < 22 || word.size() > 256 || !all_of(word, is_ice_char)) {
    ec = errc::malformed_ice_pwd;
    return {};
  }
  ec = {};
  return word;
}

// RFC 8839 §5.1
ice_candidate parse_candidate(std::string_view value, std::error_code& ec) {
  words w(value);
  ice_candidate c;
  c.foundation = w.next();
  auto const component = w.next();
  c.transport = w.next();
  auto const priority = w.next();
  c.address = w.next();
  auto const port = w.next();
  auto const typ = w.next();
  c.type = w.next();
  c.extensions = trim_end(w.rest());
  bool const ok =
      !c.foundation.empty() && c.foundation.size() <= 32 && all_of(c.foundation, is_ice_char) &&
      component.size() <= 3 && parse_uint(component, c.component) && is_token(c.transport) &&
      priority.size() <= 10 && parse_uint(priority, c.priority) && detail::is_address(c.address) &&
      parse_uint(port, c.port) && typ == "typ" && is_token(c.type);
  if (!ok) {
    ec = errc::malformed_candidate;
    return {};
  }
  ec = {};
  return c;
}

std::string to_string(ice_candidate const& c) {
  std::string s(c.foundation);
  s.append(" ").append(std::to_string(c.component)).append(" ").append(c.transport);
  s.append(" ").append(std::to_string(c.priority)).append(" ").append(c.address);
  s.append(" ").append(std::to_string(c.port)).append(" typ ").append(c.type);
  if (!c.extensions.empty()) s.append(" ").append(c.extensions);
  return s;
}

// RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX); lower case is accepted too (RFC 8122 §5 asks
// receivers to compare case-insensitively).
fingerprint_attribute parse_fingerprint(std::string_view value, std::error_code& ec) {
  words w(value);
  fingerprint_attribute f;
  f.hash_function = w.next();
  f.value = w.next();
  bool ok = is_token(f.hash_function) && w.done() && f.value.size() % 3 == 2;
  for (std::size_t i = 0; ok && i < f.value.size(); ++i) {
    ok = i % 3 == 2 ? f.value[i] == ':' : detail::is_hex(f.value[i]);
  }
  if (!ok) {
    ec = errc::malformed_fingerprint;
    return {};
  }
  ec = {};
  return f;
}

std::string to_string(fingerprint_attribute const& f) {
  std::string s(f.hash_function);
  s.append(" ").append(f.value);
  return s;
}

// RFC 4145 §4
setup_role parse_setup(std::string_view value, std::error_code& ec) {
  auto const word = single_word(value);
  ec = {};
  if (word == "active") return setup_role::active;
  if (word == "passive") return setup_role::passive;
  if (word == "actpass") return setup_role::actpass;
  if (word == "holdconn") return setup_role::holdconn;
  ec = errc::malformed_setup;
  return {};
}

std::string_view to_string(setup_role r) noexcept {
  switch (r) {
    case setup_role::active:
      return "active";
    case setup_role::passive:
      return "passive";
    case setup_role::holdconn:
      return "holdconn";
    case setup_role::actpass:
      break;
  }
  return "actpass";
}

// RFC 5888 §4: identification-tag = token
std::string_view parse_mid(std::string_view value, std::error_code& ec) {
  auto const word = single_word(value);
  if (!is_token(word)) {
    ec = errc::malformed_mid;
    return {};
  }
  ec = {};
  return word;
}

// RFC 5888 §5
group_attribute parse_group(std::string_view value, std::error_code& ec) {
  words w(value);
  group_attribute g;
  g.semantics = w.next();
  bool ok = is_token(g.semantics);
  while (ok && !w.done()) {
    g.ids.push_back(w.next());
    ok = is_token(g.ids.back());
  }
  if (!ok) {
    ec = errc::malformed_group;
    return {};
  }
  ec = {};
  return g;
}

std::string to_string(group_attribute const& g) {
  std::string s(g.semantics);
  for (auto id : g.ids) s.append(" ").append(id);
  return s;
}

}  // namespace gatehouse::media
