#include "b2bua/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <optional>
#include <ostream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "nat/address.hpp"

namespace gatehouse::b2bua {

namespace {

// ordered_json keeps the document's key order, so to_json follows the schema's order.
using json = nlohmann::ordered_json;

constexpr std::string_view embedded_default = R"json({
  "log": {
    "level": "info"
  },
  "sip": {
    "listeners": [
      { "transport": "udp", "address": "127.0.0.1", "port": 5060 },
      { "transport": "tcp", "address": "127.0.0.1", "port": 5060 },
      { "transport": "tls", "address": "127.0.0.1", "port": 5061 }
    ],
    "timers": { "t1_ms": 500, "t2_ms": 4000, "t4_ms": 5000 },
    "tcp": { "idle_timeout_s": 300, "max_connections": 4096 },
    "tls_client": { "ca_file": "", "verify_peer": true, "verify_hostname": true },
    "max_message_size": 65535,
    "user_agent": "gatehouse"
  },
  "media": {
    "interfaces": [
      { "name": "default", "address": "127.0.0.1", "port_min": 30000, "port_max": 39999 }
    ],
    "quarantine_ms": 2000,
    "timeout_s": 60,
    "hold_timeout_s": 3600,
    "relearn_ms": 3000,
    "workers": 0
  }
}
)json";

// merge_patch recurses, so deeper documents are refused while parsing.
constexpr std::size_t max_depth = 32;
// Upper bound of counts and durations: large enough for any deployment, small enough that
// timer arithmetic (64*T1) cannot overflow.
constexpr std::int64_t max_count = std::numeric_limits<std::int32_t>::max();

constexpr std::array<std::string_view, 3> transport_names = {"udp", "tcp", "tls"};
constexpr std::array<std::string_view, 2> routing_names = {"symmetric", "rfc3261"};

// ---- Paths and messages ---------------------------------------------------------------------

// Escapes control characters so that a message stays on one line whatever the input held.
std::string one_line(std::string_view text) {
  std::string out;
  for (char const c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

bool is_identifier(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// "sip" + "timers" -> "sip.timers"; a key that is not a plain name is quoted: log["a b"].
std::string member_path(std::string_view parent, std::string_view key) {
  if (!is_identifier(key))
    return std::string(parent) + "[" +
           json(std::string(key)).dump(-1, ' ', true, json::error_handler_t::replace) + "]";
  return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string index_path(std::string_view parent, std::size_t i) {
  return std::string(parent) + "[" + std::to_string(i) + "]";
}

template <std::size_t n>
std::string one_of(std::array<std::string_view, n> const& names) {
  std::string out = "must be one of ";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

// ---- Parsing --------------------------------------------------------------------------------

// The problem in a nlohmann parse error, without its prefix and its "last read" excerpt, e.g.
// "unexpected '}'; expected string literal".
std::string describe_syntax_error(std::string_view what) {
  for (std::string_view marker : {"syntax error while parsing ", "parse error at "}) {
    if (auto const at = what.find(marker); at != std::string_view::npos) {
      what.remove_prefix(at + marker.size());
      break;
    }
  }
  if (auto const dash = what.find(" - "); dash != std::string_view::npos)
    what.remove_prefix(dash + 3);
  else if (auto const colon = what.find(": "); colon != std::string_view::npos)
    what.remove_prefix(colon + 2);
  std::string out(what);
  if (auto const last = out.find("; last read: '"); last != std::string::npos) {
    auto const expected = out.rfind("'; expected ");
    out.erase(last, expected != std::string::npos && expected > last ? expected + 1 - last
                                                                     : std::string::npos);
  }
  return out;
}

// "line L column C" of the byte at `offset` (columns count UTF-8 characters).
std::string line_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xc0) != 0x80) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + " column " + std::to_string(column);
}

// Builds the document like nlohmann's own parser, and also refuses repeated keys (the last
// would silently win) and documents nested deeper than max_depth.
class dom_builder final : public nlohmann::json_sax<json> {
 public:
  dom_builder(std::string_view text, json& root) : text_(text), root_(root) {}

  std::optional<config_error> const& error() const { return error_; }

  bool null() override { return add(nullptr); }
  bool boolean(bool v) override { return add(v); }
  bool number_integer(number_integer_t v) override { return add(v); }
  bool number_unsigned(number_unsigned_t v) override { return add(v); }
  bool number_float(number_float_t v, string_t const&) override { return add(v); }
  bool string(string_t& v) override { return add(std::move(v)); }
  bool binary(binary_t&) override { return false; }  // not produced by the JSON parser
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (stack_.back().value->contains(k))
      return fail(member_path(stack_.back().path, k), "duplicate field");
    key_ = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, std::string const& last_token,
                   nlohmann::detail::exception const& ex) override {
    auto problem = describe_syntax_error(ex.what());
    // `position` counts up to the last character of the offending token; point at its first.
    std::size_t length = 1;
    if (problem.starts_with("unexpected string literal") ||
        problem.starts_with("unexpected number literal"))
      length = last_token.size();
    else if (problem.starts_with("unexpected true literal") ||
             problem.starts_with("unexpected null literal"))
      length = 4;
    else if (problem.starts_with("unexpected false literal"))
      length = 5;
    return fail("", line_column(text_, position - std::min(position, length)) + ": " + problem);
  }

 private:
  struct frame {
    json* value;
    std::string path;
  };

  // Where the next value goes, and its path.
  std::pair<json*, std::string> slot() {
    if (stack_.empty()) return {&root_, ""};
    frame& top = stack_.back();
    if (top.value->is_array()) {
      top.value->push_back(nullptr);
      return {&top.value->back(), index_path(top.path, top.value->size() - 1)};
    }
    return {&(*top.value)[key_], member_path(top.path, key_)};
  }

  bool add(json v) {
    *slot().first = std::move(v);
    return true;
  }

  bool open(json v) {
    auto [where, path] = slot();
    if (stack_.size() == max_depth) return fail(path, "nested too deeply");
    *where = std::move(v);
    stack_.push_back({where, std::move(path)});
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  bool fail(std::string field, std::string problem) {
    if (!error_) error_.emplace(std::move(field), one_line(problem));
    return false;
  }

  std::string_view text_;
  json& root_;
  std::vector<frame> stack_;
  std::string key_;
  std::optional<config_error> error_;
};

json parse(std::string_view text) {
  json root;
  dom_builder builder(text, root);
  bool const ok = json::sax_parse(text, &builder, json::input_format_t::json, /*strict=*/true,
                                  /*ignore_comments=*/true);
  if (builder.error()) throw *builder.error();
  if (!ok) throw config_error("", "cannot parse");  // not reached: every failure is reported
  return root;
}

// ---- Reading typed values -------------------------------------------------------------------

// Base directory for relative file names.
struct context {
  std::string_view base_dir;
};

// An object whose keys have been checked against the fields a section knows.
class object_reader {
 public:
  object_reader(json const& value, std::string path, std::initializer_list<std::string_view> known)
      : value_(value), path_(std::move(path)) {
    if (!value.is_object()) throw config_error(path_, "must be an object");
    for (auto const& item : value.items())
      if (std::find(known.begin(), known.end(), item.key()) == known.end())
        throw config_error(member_path(path_, item.key()), "unknown field");
  }

  std::string const& path() const { return path_; }
  std::string path(std::string_view key) const { return member_path(path_, key); }
  bool has(std::string_view key) const { return value_.contains(std::string(key)); }

  json const* find(std::string_view key) const {
    auto const it = value_.find(std::string(key));
    return it == value_.end() ? nullptr : &*it;
  }

  json const& require(std::string_view key) const {
    if (json const* v = find(key)) return *v;
    throw config_error(path(key), "required field is missing");
  }

 private:
  json const& value_;
  std::string path_;
};

std::int64_t as_integer(json const& v, std::string const& path, std::int64_t lo, std::int64_t hi) {
  bool in_range = false;
  if (v.is_number_unsigned()) {
    auto const u = v.get<std::uint64_t>();
    in_range = u >= static_cast<std::uint64_t>(std::max<std::int64_t>(lo, 0)) &&
               u <= static_cast<std::uint64_t>(hi);
  } else if (v.is_number_integer()) {
    auto const i = v.get<std::int64_t>();
    in_range = i >= lo && i <= hi;
  }
  if (!in_range)
    throw config_error(
        path, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return v.get<std::int64_t>();
}

bool as_bool(json const& v, std::string const& path) {
  if (!v.is_boolean()) throw config_error(path, "must be true or false");
  return v.get<bool>();
}

std::string as_string(json const& v, std::string const& path) {
  if (!v.is_string()) throw config_error(path, "must be a string");
  auto s = v.get<std::string>();
  if (std::any_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
    throw config_error(path, "must not contain control characters");
  return s;
}

template <class E, std::size_t n>
E as_enum(json const& v, std::string const& path, std::array<std::string_view, n> const& names) {
  if (v.is_string()) {
    auto const s = v.get<std::string>();
    for (std::size_t i = 0; i < n; ++i)
      if (names[i] == s) return static_cast<E>(i);
  }
  throw config_error(path, one_of(names));
}

// An IPv4 or IPv6 literal as a socket wants it: no brackets, no zone, no port.
std::string as_ip_literal(json const& v, std::string const& path) {
  auto s = as_string(v, path);
  if (s.starts_with('[') || !nat::parse_ip(s))
    throw config_error(path, "must be an IPv4 or IPv6 address (without brackets)");
  return s;
}

// RFC 3261 §25.1 hostname: dot-separated labels of letters, digits and inner hyphens, the last
// one starting with a letter (which tells a name from an IPv4 address).
bool is_hostname(std::string_view s) {
  if (s.ends_with('.')) s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  std::string_view label;
  while (!s.empty()) {
    auto const dot = s.find('.');
    label = s.substr(0, dot);
    s = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (char const c : label)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    if (dot != std::string_view::npos && s.empty()) return false;  // "a..b" or "a." handled
  }
  return std::isalpha(static_cast<unsigned char>(label.front())) != 0;
}

// A file name, made relative to the configuration file's directory, that can be opened now.
std::string as_readable_file(json const& v, std::string const& path, context const& ctx) {
  auto file = as_string(v, path);
  if (file.empty()) throw config_error(path, "must not be empty");
  if (file.front() != '/' && !ctx.base_dir.empty())
    file = std::string(ctx.base_dir) + (ctx.base_dir.ends_with('/') ? "" : "/") + file;
  // O_NONBLOCK: a FIFO must not hang the start-up.
  int const fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    throw config_error(path, "cannot read " + file + ": " + std::generic_category().message(errno));
  struct stat st {};
  bool const regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) throw config_error(path, file + " is not a regular file");
  return file;
}

// ---- Sections: one reader and one writer each -----------------------------------------------

void read_log(json const& v, std::string const& path, context const&, config& out) {
  object_reader const f(v, path, {"level"});
  auto const& level = f.require("level");
  auto const parsed = level.is_string() ? parse_log_level(level.get<std::string>()) : std::nullopt;
  if (!parsed)
    throw config_error(f.path("level"), "must be one of trace, debug, info, warning, error");
  out.level = *parsed;
}

json write_log(config const& c) {
  return {{"level", to_string(c.level)}};
}

listener_config read_listener(json const& v, std::string const& path, context const& ctx) {
  object_reader const f(v, path,
                        {"transport", "address", "port", "advertised_address", "response_routing",
                         "certificate", "private_key", "ca_file", "verify_client"});
  listener_config l;
  l.proto = as_enum<transport>(f.require("transport"), f.path("transport"), transport_names);
  l.address = as_ip_literal(f.require("address"), f.path("address"));
  l.port = l.proto == transport::tls ? 5061 : 5060;
  if (auto const* p = f.find("port"))
    l.port = static_cast<std::uint16_t>(as_integer(*p, f.path("port"), 1, 65535));
  if (auto const* a = f.find("advertised_address")) {
    l.advertised_address = as_string(*a, f.path("advertised_address"));
    auto const& s = l.advertised_address;
    if (!is_hostname(s) && (s.starts_with('[') || !nat::parse_ip(s)))
      throw config_error(f.path("advertised_address"),
                         "must be a host name or an IPv4 or IPv6 address (without brackets)");
  }
  if (auto const* r = f.find("response_routing"))
    l.routing = as_enum<response_routing>(*r, f.path("response_routing"), routing_names);
  if (l.proto != transport::tls) {
    for (std::string_view const key : {"certificate", "private_key", "ca_file", "verify_client"})
      if (f.has(key)) throw config_error(f.path(key), "only allowed for tls listeners");
    return l;
  }
  // Both or neither. Neither is allowed on loopback only: the listener then gets a self-signed
  // certificate made at startup, which is enough to try TLS out and never right in production.
  bool const has_cert = f.has("certificate"), has_key = f.has("private_key");
  if (has_cert != has_key)
    throw config_error(f.path(has_cert ? "private_key" : "certificate"),
                       has_cert ? "required with certificate" : "required with private_key");
  if (has_cert) {
    l.certificate = as_readable_file(f.require("certificate"), f.path("certificate"), ctx);
    l.private_key = as_readable_file(f.require("private_key"), f.path("private_key"), ctx);
  } else if (auto const ip = nat::parse_ip(l.address);
             !ip || nat::classify(*ip) != nat::address_class::loopback) {
    throw config_error(f.path("certificate"),
                       "required field is missing (only a loopback listener may go without one)");
  }
  if (auto const* ca = f.find("ca_file"); ca && !as_string(*ca, f.path("ca_file")).empty())
    l.ca_file = as_readable_file(*ca, f.path("ca_file"), ctx);
  if (auto const* vc = f.find("verify_client"))
    l.verify_client = as_bool(*vc, f.path("verify_client"));
  if (l.verify_client && l.ca_file.empty())
    throw config_error(f.path("verify_client"), "needs ca_file to verify client certificates");
  return l;
}

void read_listeners(json const& v, std::string const& path, context const& ctx, config& out) {
  if (!v.is_array()) throw config_error(path, "must be an array");
  if (v.empty()) throw config_error(path, "must not be empty");
  out.listeners.clear();
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto const p = index_path(path, i);
    out.listeners.push_back(read_listener(v[i], p, ctx));
    auto const& l = out.listeners.back();
    auto const ip = nat::parse_ip(l.address);
    // TCP and TLS listeners are both TCP sockets: they cannot share an address and port.
    auto const is_stream = [](transport t) { return t != transport::udp; };
    for (std::size_t j = 0; j < i; ++j) {
      auto const& other = out.listeners[j];
      if (other.port != l.port || nat::parse_ip(other.address) != ip ||
          is_stream(other.proto) != is_stream(l.proto))
        continue;
      throw config_error(p, other.proto == l.proto
                                ? "same transport, address and port as " + index_path(path, j)
                                : "same address and port as " + index_path(path, j) +
                                      " (tcp and tls both listen on TCP)");
    }
  }
}

void read_sip(json const& v, std::string const& path, context const& ctx, config& out) {
  object_reader const f(
      v, path, {"listeners", "timers", "tcp", "tls_client", "max_message_size", "user_agent"});
  read_listeners(f.require("listeners"), f.path("listeners"), ctx, out);

  object_reader const timers(f.require("timers"), f.path("timers"), {"t1_ms", "t2_ms", "t4_ms"});
  auto const ms = [&](std::string_view key) {
    return std::chrono::milliseconds(
        as_integer(timers.require(key), timers.path(key), 1, max_count));
  };
  out.t1 = ms("t1_ms");
  out.t2 = ms("t2_ms");
  out.t4 = ms("t4_ms");
  // RFC 3261 §17.1.2.2: retransmissions double from T1 up to T2.
  if (out.t2 < out.t1)
    throw config_error(timers.path("t2_ms"), "must not be less than t1_ms (" +
                                                 std::to_string(out.t2.count()) + " < " +
                                                 std::to_string(out.t1.count()) + ")");

  object_reader const tcp(f.require("tcp"), f.path("tcp"), {"idle_timeout_s", "max_connections"});
  out.tcp_idle_timeout = std::chrono::seconds(
      as_integer(tcp.require("idle_timeout_s"), tcp.path("idle_timeout_s"), 1, max_count));
  out.tcp_max_connections = static_cast<std::size_t>(
      as_integer(tcp.require("max_connections"), tcp.path("max_connections"), 1, max_count));

  object_reader const tls(f.require("tls_client"), f.path("tls_client"),
                          {"ca_file", "verify_peer", "verify_hostname"});
  auto const& ca = tls.require("ca_file");
  out.tls_ca_file = as_string(ca, tls.path("ca_file")).empty()
                        ? std::string()
                        : as_readable_file(ca, tls.path("ca_file"), ctx);
  out.tls_verify_peer = as_bool(tls.require("verify_peer"), tls.path("verify_peer"));
  out.tls_verify_hostname = as_bool(tls.require("verify_hostname"), tls.path("verify_hostname"));

  out.max_message_size = static_cast<std::size_t>(
      as_integer(f.require("max_message_size"), f.path("max_message_size"), 1024, 65535));
  out.user_agent = as_string(f.require("user_agent"), f.path("user_agent"));
}

json write_sip(config const& c) {
  json listeners = json::array();
  for (auto const& l : c.listeners) {
    json j = {{"transport", to_string(l.proto)}, {"address", l.address}, {"port", l.port}};
    if (!l.advertised_address.empty()) j["advertised_address"] = l.advertised_address;
    j["response_routing"] = to_string(l.routing);
    if (l.proto == transport::tls) {
      if (!l.certificate.empty()) {
        j["certificate"] = l.certificate;
        j["private_key"] = l.private_key;
      }
      if (!l.ca_file.empty()) j["ca_file"] = l.ca_file;
      j["verify_client"] = l.verify_client;
    }
    listeners.push_back(std::move(j));
  }
  return {
      {"listeners", std::move(listeners)},
      {"timers", {{"t1_ms", c.t1.count()}, {"t2_ms", c.t2.count()}, {"t4_ms", c.t4.count()}}},
      {"tcp",
       {{"idle_timeout_s", c.tcp_idle_timeout.count()},
        {"max_connections", c.tcp_max_connections}}},
      {"tls_client",
       {{"ca_file", c.tls_ca_file},
        {"verify_peer", c.tls_verify_peer},
        {"verify_hostname", c.tls_verify_hostname}}},
      {"max_message_size", c.max_message_size},
      {"user_agent", c.user_agent},
  };
}

media_interface_config read_media_interface(json const& v, std::string const& path) {
  object_reader const f(v, path, {"name", "address", "advertised_address", "port_min", "port_max"});
  media_interface_config m;
  m.name = as_string(f.require("name"), f.path("name"));
  if (m.name.empty() || !std::all_of(m.name.begin(), m.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      }))
    throw config_error(f.path("name"), "must be letters, digits, '-' and '_'");
  m.address = as_ip_literal(f.require("address"), f.path("address"));
  if (auto const* a = f.find("advertised_address")) {
    m.advertised_address = as_string(*a, f.path("advertised_address"));
    if (!m.advertised_address.empty()) {
      auto const adv = nat::parse_ip(m.advertised_address);
      if (m.advertised_address.starts_with('[') || !adv)
        throw config_error(f.path("advertised_address"),
                           "must be an IPv4 or IPv6 address (without brackets)");
      if (adv->v6 != nat::parse_ip(m.address)->v6)
        throw config_error(f.path("advertised_address"),
                           "must be of the same IP version as address");
    }
  }
  if (nat::classify(*nat::parse_ip(m.address)) == nat::address_class::unspecified &&
      m.advertised_address.empty())
    throw config_error(f.path("advertised_address"),
                       "required when address is a wildcard: SDP must name a real address");
  if (auto const* p = f.find("port_min"))
    m.port_min = static_cast<std::uint16_t>(as_integer(*p, f.path("port_min"), 1024, 65534));
  if (auto const* p = f.find("port_max"))
    m.port_max = static_cast<std::uint16_t>(as_integer(*p, f.path("port_max"), 1025, 65535));
  // RTP on even ports with RTCP on the next (RFC 3550 §11): the range must hold a pair.
  if (m.port_max < m.port_min + 1 + (m.port_min & 1))
    throw config_error(f.path("port_max"),
                       "must leave at least one even/odd port pair from port_min");
  return m;
}

void read_media(json const& v, std::string const& path, context const&, config& out) {
  object_reader const f(
      v, path,
      {"interfaces", "quarantine_ms", "timeout_s", "hold_timeout_s", "relearn_ms", "workers"});
  json const& list = f.require("interfaces");
  std::string const list_path = f.path("interfaces");
  if (!list.is_array()) throw config_error(list_path, "must be an array");
  if (list.empty()) throw config_error(list_path, "must not be empty");
  out.media_interfaces.clear();
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto const p = index_path(list_path, i);
    auto m = read_media_interface(list[i], p);
    for (std::size_t j = 0; j < out.media_interfaces.size(); ++j) {
      auto const& other = out.media_interfaces[j];
      if (other.name == m.name)
        throw config_error(p + ".name", "same name as " + index_path(list_path, j));
      if (*nat::parse_ip(other.address) == *nat::parse_ip(m.address) &&
          m.port_min <= other.port_max && other.port_min <= m.port_max)
        throw config_error(p + ".port_min",
                           "ports overlap " + index_path(list_path, j) + " on the same address");
    }
    out.media_interfaces.push_back(std::move(m));
  }
  out.media_quarantine = std::chrono::milliseconds(
      as_integer(f.require("quarantine_ms"), f.path("quarantine_ms"), 0, 600000));
  out.media_timeout =
      std::chrono::seconds(as_integer(f.require("timeout_s"), f.path("timeout_s"), 1, 86400));
  out.media_hold_timeout = std::chrono::seconds(
      as_integer(f.require("hold_timeout_s"), f.path("hold_timeout_s"), 1, 86400));
  out.media_relearn = std::chrono::milliseconds(
      as_integer(f.require("relearn_ms"), f.path("relearn_ms"), 0, 60000));
  out.media_workers =
      static_cast<unsigned>(as_integer(f.require("workers"), f.path("workers"), 0, 256));
}

json write_media(config const& c) {
  json interfaces = json::array();
  for (auto const& m : c.media_interfaces) {
    json j = {{"name", m.name}, {"address", m.address}};
    if (!m.advertised_address.empty()) j["advertised_address"] = m.advertised_address;
    j["port_min"] = m.port_min;
    j["port_max"] = m.port_max;
    interfaces.push_back(std::move(j));
  }
  return {
      {"interfaces", std::move(interfaces)},   {"quarantine_ms", c.media_quarantine.count()},
      {"timeout_s", c.media_timeout.count()},  {"hold_timeout_s", c.media_hold_timeout.count()},
      {"relearn_ms", c.media_relearn.count()}, {"workers", c.media_workers},
  };
}

// The top-level sections, in the order to_json writes them.
struct section {
  std::string_view name;
  void (*read)(json const&, std::string const&, context const&, config&);
  json (*write)(config const&);
};

constexpr std::array<section, 3> sections = {{
    {"log", read_log, write_log},
    {"sip", read_sip, write_sip},
    {"media", read_media, write_media},
}};

config validate(json const& doc, context const& ctx) {
  if (!doc.is_object()) throw config_error("", "the configuration must be a JSON object");
  for (auto const& item : doc.items())
    if (std::none_of(sections.begin(), sections.end(),
                     [&](section const& s) { return s.name == item.key(); }))
      throw config_error(member_path("", item.key()), "unknown field");
  config c;
  for (auto const& s : sections) {
    auto const it = doc.find(std::string(s.name));
    if (it == doc.end()) throw config_error(std::string(s.name), "required field is missing");
    s.read(*it, std::string(s.name), ctx, c);
  }
  return c;
}

}  // namespace

std::string_view to_string(transport t) noexcept {
  return transport_names[static_cast<std::size_t>(t)];
}

std::string_view to_string(response_routing r) noexcept {
  return routing_names[static_cast<std::size_t>(r)];
}

std::ostream& operator<<(std::ostream& os, transport t) {
  return os << to_string(t);
}

config_error::config_error(std::string field, std::string problem, std::string source)
    : std::runtime_error((source.empty() ? "" : source + ": ") +
                         (field.empty() ? "" : field + ": ") + problem),
      field_(std::move(field)),
      problem_(std::move(problem)),
      source_(std::move(source)) {}

std::string_view default_config_json() noexcept {
  return embedded_default;
}

config load_config(std::string_view user_json, std::string_view base_dir) {
  json doc = parse(embedded_default);
  if (!user_json.empty()) {
    json const patch = parse(user_json);
    // RFC 7386 would let a non-object patch replace the whole document; say what is wrong.
    if (!patch.is_object()) throw config_error("", "the configuration must be a JSON object");
    doc.merge_patch(patch);
  }
  return validate(doc, context{base_dir});
}

config load_config_file(std::string const& path) {
  std::string text;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  bool ok = f != nullptr;
  if (ok) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    ok = !std::ferror(f);
    int const saved = errno;
    std::fclose(f);
    errno = saved;
  }
  if (!ok)
    throw config_error("", "cannot read: " + std::generic_category().message(errno),
                       one_line(path));
  auto const slash = path.rfind('/');
  std::string const dir =
      slash == std::string::npos ? std::string() : path.substr(0, slash == 0 ? 1 : slash);
  try {
    if (text.empty()) throw config_error("", "the file is empty; write {} for no changes");
    return load_config(text, dir);
  } catch (config_error const& e) {
    throw config_error(e.field(), e.problem(), one_line(path));
  }
}

std::string to_json(config const& c) {
  json doc = json::object();
  for (auto const& s : sections) doc[std::string(s.name)] = s.write(c);
  return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace gatehouse::b2bua
