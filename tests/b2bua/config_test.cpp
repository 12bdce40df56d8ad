// Configuration: the embedded default, merge-patch semantics, validation messages an operator
// reads, and the effective configuration written back as JSON.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "b2bua/config.hpp"

using namespace gatehouse::b2bua;
using namespace std::chrono_literals;

namespace {

std::string const config_dir = GATEHOUSE_TEST_DATA "/config";

// The one line load_config throws for `user_json`, or "" when it loads.
std::string error_of(std::string_view user_json) {
  try {
    load_config(user_json, config_dir);
  } catch (config_error const& e) {
    std::string const what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find("json.exception") == std::string::npos);
    return what;
  }
  return "";
}

std::string file_error_of(std::string const& path) {
  try {
    load_config_file(path);
  } catch (config_error const& e) {
    std::string const what = e.what();
    CHECK(what.find('\n') == std::string::npos);
    return what;
  }
  return "";
}

// A user configuration whose only listener is `listener`.
std::string with_listener(std::string const& listener) {
  return R"({"sip": {"listeners": [)" + listener + "]}}";
}

}  // namespace

TEST_CASE("config: the embedded default loads and equals a default-constructed config") {
  auto const c = load_config();
  CHECK(c == config{});
  CHECK(c.level == log_level::info);
  REQUIRE(c.listeners.size() == 3);
  CHECK(c.listeners[0].proto == transport::udp);
  CHECK(c.listeners[0].address == "127.0.0.1");
  CHECK(c.listeners[0].port == 5060);
  CHECK(c.listeners[0].routing == response_routing::symmetric);
  CHECK(c.listeners[1].proto == transport::tcp);
  // TLS on loopback with no files: a self-signed certificate is made at startup.
  CHECK(c.listeners[2].proto == transport::tls);
  CHECK(c.listeners[2].port == 5061);
  CHECK(c.listeners[2].certificate.empty());
  CHECK(c.t1 == 500ms);
  CHECK(c.t2 == 4000ms);
  CHECK(c.t4 == 5000ms);
  CHECK(c.tcp_idle_timeout == 300s);
  CHECK(c.tcp_max_connections == 4096);
  CHECK(c.tls_ca_file.empty());
  CHECK(c.tls_verify_peer);
  CHECK(c.tls_verify_hostname);
  CHECK(c.max_message_size == 65535);
  CHECK(c.user_agent == "gatehouse");
  CHECK(load_config("{}") == c);
  CHECK(nlohmann::json::parse(default_config_json()).is_object());
}

TEST_CASE("config: to_json writes the effective configuration in schema order") {
  CHECK(to_json(load_config()) == R"({
  "log": {
    "level": "info"
  },
  "sip": {
    "listeners": [
      {
        "transport": "udp",
        "address": "127.0.0.1",
        "port": 5060,
        "response_routing": "symmetric"
      },
      {
        "transport": "tcp",
        "address": "127.0.0.1",
        "port": 5060,
        "response_routing": "symmetric"
      },
      {
        "transport": "tls",
        "address": "127.0.0.1",
        "port": 5061,
        "response_routing": "symmetric",
        "verify_client": false
      }
    ],
    "timers": {
      "t1_ms": 500,
      "t2_ms": 4000,
      "t4_ms": 5000
    },
    "tcp": {
      "idle_timeout_s": 300,
      "max_connections": 4096
    },
    "tls_client": {
      "ca_file": "",
      "verify_peer": true,
      "verify_hostname": true
    },
    "max_message_size": 65535,
    "user_agent": "gatehouse"
  },
  "media": {
    "interfaces": [
      {
        "name": "default",
        "address": "127.0.0.1",
        "port_min": 30000,
        "port_max": 39999
      }
    ],
    "quarantine_ms": 2000,
    "timeout_s": 60,
    "hold_timeout_s": 3600,
    "relearn_ms": 3000,
    "workers": 0
  }
})");
}

TEST_CASE("config: a full example file loads every field and round-trips through to_json") {
  auto const c = load_config_file(config_dir + "/full.json");
  CHECK(c.level == log_level::debug);
  REQUIRE(c.listeners.size() == 3);
  auto const& udp = c.listeners[0];
  CHECK(udp.proto == transport::udp);
  CHECK(udp.address == "192.0.2.10");
  CHECK(udp.port == 5070);
  CHECK(udp.advertised_address == "sip.example.com");
  CHECK(udp.routing == response_routing::rfc3261);
  auto const& tcp = c.listeners[1];
  CHECK(tcp.proto == transport::tcp);
  CHECK(tcp.address == "2001:db8::10");
  CHECK(tcp.advertised_address == "203.0.113.7");
  CHECK(tcp.routing == response_routing::symmetric);
  auto const& tls = c.listeners[2];
  CHECK(tls.proto == transport::tls);
  CHECK(tls.port == 5071);
  // Relative file names are taken from the configuration file's directory.
  CHECK(tls.certificate == config_dir + "/tls/server.crt");
  CHECK(tls.private_key == config_dir + "/tls/server.key");
  CHECK(tls.ca_file == config_dir + "/tls/clients-ca.pem");
  CHECK(tls.verify_client);
  CHECK(c.t1 == 250ms);
  CHECK(c.t2 == 2000ms);
  CHECK(c.t4 == 2500ms);
  CHECK(c.tcp_idle_timeout == 120s);
  CHECK(c.tcp_max_connections == 1000);
  CHECK(c.tls_ca_file == config_dir + "/tls/trust.pem");
  CHECK(!c.tls_verify_peer);
  CHECK(!c.tls_verify_hostname);
  CHECK(c.max_message_size == 8192);
  CHECK(c.user_agent == "gatehouse-test/1.0");
  REQUIRE(c.media_interfaces.size() == 2);
  CHECK(c.media_interfaces[1].advertised_address == "203.0.113.10");
  CHECK(c.media_quarantine == 500ms);
  CHECK(c.media_workers == 2);

  auto const text = to_json(c);
  CHECK(load_config(text) == c);
  CHECK(to_json(load_config(text)) == text);

  // to_json says what the file says, with file names resolved.
  std::ifstream in(config_dir + "/full.json");
  auto expected = nlohmann::json::parse(in, nullptr, true, /*ignore_comments=*/true);
  auto& l2 = expected["sip"]["listeners"][2];
  for (char const* key : {"certificate", "private_key", "ca_file"})
    l2[key] = config_dir + "/" + l2[key].get<std::string>();
  expected["sip"]["tls_client"]["ca_file"] = c.tls_ca_file;
  CHECK(nlohmann::json::parse(text) == expected);
}

TEST_CASE("config: user settings merge onto the default (RFC 7386)") {
  SUBCASE("a file that only changes log.level keeps the default listeners") {
    auto const c = load_config_file(config_dir + "/level_only.json");
    CHECK(c.level == log_level::warning);
    CHECK(c.listeners == config{}.listeners);
    CHECK(c.user_agent == "gatehouse");
  }
  SUBCASE("objects merge field by field") {
    auto const c = load_config(R"({"sip": {"timers": {"t1_ms": 250}}})");
    CHECK(c.t1 == 250ms);
    CHECK(c.t2 == 4000ms);
    CHECK(c.t4 == 5000ms);
    CHECK(c.listeners.size() == 3);
  }
  SUBCASE("an array replaces the default's array") {
    auto const c = load_config(with_listener(R"({"transport": "tls", "address": "::",
        "certificate": "tls/server.crt", "private_key": "tls/server.key"})"),
                               config_dir);
    REQUIRE(c.listeners.size() == 1);
    CHECK(c.listeners[0].proto == transport::tls);
    CHECK(c.listeners[0].address == "::");
    CHECK(c.listeners[0].port == 5061);
    CHECK(c.listeners[0].routing == response_routing::symmetric);
    CHECK(!c.listeners[0].verify_client);
    CHECK(c.listeners[0].ca_file.empty());
  }
  SUBCASE("a listener's port defaults to 5060 for udp and tcp") {
    auto const c = load_config(R"({"sip": {"listeners": [{"transport": "udp", "address": "::1"},
        {"transport": "tcp", "address": "10.0.0.1"}]}})");
    CHECK(c.listeners[0].port == 5060);
    CHECK(c.listeners[1].port == 5060);
  }
  SUBCASE("null deletes a field and does not bring the default back") {
    CHECK(error_of(R"({"sip": {"user_agent": null}})") ==
          "sip.user_agent: required field is missing");
    CHECK(error_of(R"({"sip": {"timers": null}})") == "sip.timers: required field is missing");
    CHECK(error_of(R"({"log": null})") == "log: required field is missing");
  }
  SUBCASE("null for a field that is not there deletes nothing") {
    CHECK(load_config(R"({"log": {"level": "error", "level2": null}})").level == log_level::error);
  }
  SUBCASE("an empty user agent is allowed") {
    CHECK(load_config(R"({"sip": {"user_agent": ""}})").user_agent.empty());
  }
}

TEST_CASE("config: every validation rule names the field and the problem") {
  struct row {
    std::string user_json;
    std::string expected;
  };
  std::string deep_path;  // the 33rd array in [[[...]]]
  for (int i = 0; i < 32; ++i) deep_path += "[0]";
  std::string const tls_files =
      R"("certificate": "tls/server.crt", "private_key": "tls/server.key")";
  row const table[] = {
      // Structure and unknown fields.
      {"[]", "the configuration must be a JSON object"},
      {"5", "the configuration must be a JSON object"},
      {R"({"logs": {}})", "logs: unknown field"},
      {R"({"log": {"level": "info", "colour": true}})", "log.colour: unknown field"},
      {R"({"sip": {"timers": {"t3_ms": 1}}})", "sip.timers.t3_ms: unknown field"},
      {R"({"sip": {"useragent": "x"}})", "sip.useragent: unknown field"},
      {R"({"sip": {"a b\n": 1}})", R"(sip["a b\n"]: unknown field)"},
      {R"({"log": "info"})", "log: must be an object"},
      {R"({"sip": {"tcp": []}})", "sip.tcp: must be an object"},
      // log
      {R"({"log": {"level": "verbose"}})",
       "log.level: must be one of trace, debug, info, warning, error"},
      {R"({"log": {"level": 3}})", "log.level: must be one of trace, debug, info, warning, error"},
      // listeners
      {R"({"sip": {"listeners": {}}})", "sip.listeners: must be an array"},
      {R"({"sip": {"listeners": []}})", "sip.listeners: must not be empty"},
      {with_listener("5"), "sip.listeners[0]: must be an object"},
      {with_listener(R"({"address": "127.0.0.1"})"),
       "sip.listeners[0].transport: required field is missing"},
      {with_listener(R"({"transport": "sctp", "address": "127.0.0.1"})"),
       "sip.listeners[0].transport: must be one of udp, tcp, tls"},
      {with_listener(R"({"transport": "udp"})"),
       "sip.listeners[0].address: required field is missing"},
      {with_listener(R"({"transport": "udp", "address": "localhost"})"),
       "sip.listeners[0].address: must be an IPv4 or IPv6 address (without brackets)"},
      {with_listener(R"({"transport": "udp", "address": "1.2.3.256"})"),
       "sip.listeners[0].address: must be an IPv4 or IPv6 address (without brackets)"},
      {with_listener(R"({"transport": "udp", "address": "[::1]"})"),
       "sip.listeners[0].address: must be an IPv4 or IPv6 address (without brackets)"},
      {with_listener(R"({"transport": "udp", "address": 127})"),
       "sip.listeners[0].address: must be a string"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "prot": 5060})"),
       "sip.listeners[0].prot: unknown field"},
      {R"({"sip": {"listeners": [{"transport": "udp", "address": "127.0.0.1"},
          {"transport": "udp", "address": "127.0.0.1", "port": 70000}]}})",
       "sip.listeners[1].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "port": 0})"),
       "sip.listeners[0].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "port": -1})"),
       "sip.listeners[0].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "port": 5060.5})"),
       "sip.listeners[0].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "port": "5060"})"),
       "sip.listeners[0].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "port": true})"),
       "sip.listeners[0].port: must be an integer from 1 to 65535"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "advertised_address": "-x"})"),
       "sip.listeners[0].advertised_address: must be a host name or an IPv4 or IPv6 address "
       "(without brackets)"},
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "advertised_address": ""})"),
       "sip.listeners[0].advertised_address: must be a host name or an IPv4 or IPv6 address "
       "(without brackets)"},
      {with_listener(
           R"({"transport": "udp", "address": "127.0.0.1", "advertised_address": "sip.example.com\r\nX: y"})"),
       "sip.listeners[0].advertised_address: must not contain control characters"},
      {with_listener(
           R"({"transport": "udp", "address": "127.0.0.1", "response_routing": "rport"})"),
       "sip.listeners[0].response_routing: must be one of symmetric, rfc3261"},
      // Duplicates: the same socket twice, including tcp and tls on one TCP port.
      {R"({"sip": {"listeners": [{"transport": "udp", "address": "::1"},
          {"transport": "tcp", "address": "::1"},
          {"transport": "udp", "address": "0:0::1", "port": 5060}]}})",
       "sip.listeners[2]: same transport, address and port as sip.listeners[0]"},
      {R"({"sip": {"listeners": [{"transport": "tcp", "address": "127.0.0.1", "port": 5061},
          {"transport": "tls", "address": "127.0.0.1", )" +
           tls_files + "}]}}",
       "sip.listeners[1]: same address and port as sip.listeners[0] (tcp and tls both listen on "
       "TCP)"},
      // TLS listeners.
      {with_listener(R"({"transport": "udp", "address": "127.0.0.1", "verify_client": false})"),
       "sip.listeners[0].verify_client: only allowed for tls listeners"},
      {with_listener(R"({"transport": "tcp", "address": "127.0.0.1", "certificate": "a"})"),
       "sip.listeners[0].certificate: only allowed for tls listeners"},
      {with_listener(R"({"transport": "tls", "address": "192.0.2.1"})"),
       "sip.listeners[0].certificate: required field is missing (only a loopback listener may go "
       "without one)"},
      {with_listener(
           R"({"transport": "tls", "address": "127.0.0.1", "certificate": "tls/server.crt"})"),
       "sip.listeners[0].private_key: required with certificate"},
      {with_listener(
           R"({"transport": "tls", "address": "127.0.0.1", "private_key": "tls/server.key"})"),
       "sip.listeners[0].certificate: required with private_key"},
      {with_listener(
           R"({"transport": "tls", "address": "127.0.0.1", "certificate": "tls/missing.crt", "private_key": "tls/server.key"})"),
       "sip.listeners[0].certificate: cannot read " + config_dir +
           "/tls/missing.crt: No such file or directory"},
      {with_listener(
           R"({"transport": "tls", "address": "127.0.0.1", "certificate": "tls", "private_key": "tls/server.key"})"),
       "sip.listeners[0].certificate: " + config_dir + "/tls is not a regular file"},
      {with_listener(
           R"({"transport": "tls", "address": "127.0.0.1", "certificate": "", "private_key": "tls/server.key"})"),
       "sip.listeners[0].certificate: must not be empty"},
      {with_listener(R"({"transport": "tls", "address": "127.0.0.1", )" + tls_files +
                     R"(, "verify_client": true})"),
       "sip.listeners[0].verify_client: needs ca_file to verify client certificates"},
      {with_listener(R"({"transport": "tls", "address": "127.0.0.1", )" + tls_files +
                     R"(, "verify_client": "yes"})"),
       "sip.listeners[0].verify_client: must be true or false"},
      {with_listener(R"({"transport": "tls", "address": "127.0.0.1", )" + tls_files +
                     R"(, "ca_file": "/nonexistent/ca.pem"})"),
       "sip.listeners[0].ca_file: cannot read /nonexistent/ca.pem: No such file or directory"},
      // Timers.
      {R"({"sip": {"timers": {"t1_ms": 0}}})",
       "sip.timers.t1_ms: must be an integer from 1 to 2147483647"},
      {R"({"sip": {"timers": {"t1_ms": 5000}}})",
       "sip.timers.t2_ms: must not be less than t1_ms (4000 < 5000)"},
      {R"({"sip": {"timers": {"t2_ms": 499}}})",
       "sip.timers.t2_ms: must not be less than t1_ms (499 < 500)"},
      {R"({"sip": {"timers": {"t4_ms": 0}}})",
       "sip.timers.t4_ms: must be an integer from 1 to 2147483647"},
      {R"({"sip": {"timers": {"t4_ms": 99999999999999999999}}})",
       "sip.timers.t4_ms: must be an integer from 1 to 2147483647"},
      // TCP.
      {R"({"sip": {"tcp": {"idle_timeout_s": 0}}})",
       "sip.tcp.idle_timeout_s: must be an integer from 1 to 2147483647"},
      {R"({"sip": {"tcp": {"max_connections": 0}}})",
       "sip.tcp.max_connections: must be an integer from 1 to 2147483647"},
      // TLS client.
      {R"({"sip": {"tls_client": {"ca_file": "nope.pem"}}})",
       "sip.tls_client.ca_file: cannot read " + config_dir +
           "/nope.pem: No such file or directory"},
      {R"({"sip": {"tls_client": {"verify_peer": 1}}})",
       "sip.tls_client.verify_peer: must be true or false"},
      {R"({"sip": {"tls_client": {"verify_hostname": null, "verify_peer": false}}})",
       "sip.tls_client.verify_hostname: required field is missing"},
      // Message size and user agent.
      {R"({"sip": {"max_message_size": 1023}})",
       "sip.max_message_size: must be an integer from 1024 to 65535"},
      {R"({"sip": {"max_message_size": 65536}})",
       "sip.max_message_size: must be an integer from 1024 to 65535"},
      {R"({"sip": {"user_agent": 7}})", "sip.user_agent: must be a string"},
      {R"({"sip": {"user_agent": "a\r\nVia: evil"}})",
       "sip.user_agent: must not contain control characters"},
      // The document itself.
      {R"({"log": {"level": "info", "level": "debug"}})", "log.level: duplicate field"},
      {std::string(40, '[') + std::string(40, ']'), deep_path + ": nested too deeply"},
  };
  for (auto const& r : table) {
    CAPTURE(r.user_json);
    CHECK(error_of(r.user_json) == r.expected);
  }
}

TEST_CASE("config: boundary values are accepted") {
  auto const c = load_config(R"({"sip": {
      "listeners": [{"transport": "udp", "address": "::ffff:192.0.2.1", "port": 1},
                    {"transport": "udp", "address": "192.0.2.1", "port": 65535,
                     "advertised_address": "2001:db8::1"},
                    {"transport": "tcp", "address": "192.0.2.1", "port": 65535,
                     "advertised_address": "edge-1.example.org."}],
      "timers": {"t1_ms": 1, "t2_ms": 1, "t4_ms": 2147483647},
      "max_message_size": 1024}})");
  CHECK(c.listeners[0].port == 1);
  CHECK(c.listeners[1].port == 65535);
  CHECK(c.t1 == 1ms);
  CHECK(c.t2 == 1ms);
  CHECK(c.t4 == 2147483647ms);
  CHECK(c.max_message_size == 1024);
}

TEST_CASE("config: JSON syntax errors give the file, line and column") {
  auto const path = config_dir + "/syntax_error.json";
  CHECK(file_error_of(path) == path + ": line 5 column 5: unexpected string literal; expected '}'");
  CHECK(error_of("{\n  \"log\": {\"level\": tru}\n}") == "line 2 column 23: invalid literal");
  CHECK(error_of(R"({"log": {"level": "info",}})") ==
        "line 1 column 26: unexpected '}'; expected string literal");
  CHECK(error_of("{\"log\": {\"level\": \"in\nfo\"}}") ==
        "line 1 column 22: invalid string: control character U+000A (LF) must be escaped to "
        "\\u000A or \\n");
  CHECK(error_of("{") == "line 1 column 2: unexpected end of input; expected string literal");
  CHECK(error_of(" ") ==
        "line 1 column 2: unexpected end of input; expected '[', '{', or a literal");
  CHECK(error_of(R"({"log": {}} x)") == "line 1 column 13: invalid literal; expected end of input");
  CHECK(error_of(R"({"log": {"level" "info"}})") ==
        "line 1 column 18: unexpected string literal; expected ':'");
  CHECK(error_of(R"({"log": {"level": "info" true}})") ==
        "line 1 column 26: unexpected true literal; expected '}'");
  // Comments are allowed.
  CHECK(load_config("// debug for now\n{\"log\": {/* was info */ \"level\": \"debug\"}}").level ==
        log_level::debug);
}

TEST_CASE("config: files that cannot be used give one clear line") {
  CHECK(file_error_of("/nonexistent/gatehouse.json") ==
        "/nonexistent/gatehouse.json: cannot read: No such file or directory");
  CHECK(file_error_of(config_dir) == config_dir + ": cannot read: Is a directory");
  CHECK(file_error_of(config_dir + "/empty.json") ==
        config_dir + "/empty.json: the file is empty; write {} for no changes");
  CHECK(file_error_of(config_dir + "/unknown_field.json") ==
        config_dir + "/unknown_field.json: sip.timers.t1ms: unknown field");
  try {
    load_config_file(config_dir + "/unknown_field.json");
    FAIL("no exception");
  } catch (config_error const& e) {
    CHECK(e.source() == config_dir + "/unknown_field.json");
    CHECK(e.field() == "sip.timers.t1ms");
    CHECK(e.problem() == "unknown field");
  }
}

TEST_CASE("config: media interfaces and relay settings") {
  auto const c = load_config(R"({"media": {"interfaces": [
      {"name": "internal", "address": "10.0.0.5", "port_min": 20000, "port_max": 29999},
      {"name": "external", "address": "0.0.0.0", "advertised_address": "203.0.113.10"},
      {"name": "v6", "address": "::1", "port_min": 40000, "port_max": 40001}],
    "timeout_s": 30, "workers": 2}})");
  REQUIRE(c.media_interfaces.size() == 3);
  CHECK(c.media_interfaces[0].name == "internal");
  CHECK(c.media_interfaces[0].port_min == 20000);
  CHECK(c.media_interfaces[1].advertised_address == "203.0.113.10");
  CHECK(c.media_interfaces[1].port_min == 30000);  // defaults
  CHECK(c.media_timeout == std::chrono::seconds(30));
  CHECK(c.media_hold_timeout == std::chrono::seconds(3600));
  CHECK(c.media_workers == 2);
  CHECK(load_config(to_json(c)) == c);

  auto const error_of = [](std::string const& media) {
    try {
      load_config(R"({"media": )" + media + "}");
    } catch (config_error const& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of(R"({"interfaces": []})") == "media.interfaces: must not be empty");
  CHECK(error_of(R"({"interfaces": [{"name": "a b", "address": "127.0.0.1"}]})") ==
        "media.interfaces[0].name: must be letters, digits, '-' and '_'");
  CHECK(
      error_of(
          R"({"interfaces": [{"name": "a", "address": "127.0.0.1"}, {"name": "a", "address": "127.0.0.2"}]})") ==
      "media.interfaces[1].name: same name as media.interfaces[0]");
  CHECK(
      error_of(
          R"({"interfaces": [{"name": "a", "address": "127.0.0.1"}, {"name": "b", "address": "127.0.0.1", "port_min": 39000, "port_max": 41000}]})") ==
      "media.interfaces[1].port_min: ports overlap media.interfaces[0] on the same address");
  CHECK(error_of(R"({"interfaces": [{"name": "a", "address": "0.0.0.0"}]})") ==
        "media.interfaces[0].advertised_address: required when address is a wildcard: SDP must "
        "name a real address");
  CHECK(
      error_of(
          R"({"interfaces": [{"name": "a", "address": "127.0.0.1", "advertised_address": "::1"}]})") ==
      "media.interfaces[0].advertised_address: must be of the same IP version as address");
  CHECK(
      error_of(
          R"({"interfaces": [{"name": "a", "address": "127.0.0.1", "port_min": 30001, "port_max": 30002}]})") ==
      "media.interfaces[0].port_max: must leave at least one even/odd port pair from port_min");
  CHECK(error_of(R"({"interfaces": [{"name": "a", "address": "127.0.0.1", "port_min": 80}]})") ==
        "media.interfaces[0].port_min: must be an integer from 1024 to 65534");
  CHECK(error_of(R"({"workers": 1000})") == "media.workers: must be an integer from 0 to 256");
  CHECK(error_of(R"({"timeout": 5})") == "media.timeout: unknown field");
}
