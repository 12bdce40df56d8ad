// gatehouse: the daemon. Loads the configuration (embedded default, patched by --config FILE),
// binds the SIP listeners and runs the signalling thread until SIGTERM or SIGINT; SIGHUP reloads
// what can change without a restart (the log level).
#include <asio.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include "b2bua/config.hpp"
#include "b2bua/core.hpp"
#include "b2bua/io/sip_edge.hpp"
#include "b2bua/log.hpp"
#include "b2bua/sip_front.hpp"

namespace {

using namespace gatehouse;

constexpr char const* usage =
    "usage: gatehouse [--config FILE] [--check-config FILE] [--print-config] [--version]\n"
    "  --config FILE        apply FILE (JSON) onto the embedded default configuration\n"
    "  --check-config FILE  validate FILE, print the effective configuration, exit\n"
    "  --print-config       print the effective configuration and exit\n";

sip::transport_proto proto_of(b2bua::transport t) {
  switch (t) {
    case b2bua::transport::udp:
      return sip::transport_proto::udp;
    case b2bua::transport::tcp:
      return sip::transport_proto::tcp;
    case b2bua::transport::tls:
      return sip::transport_proto::tls;
  }
  return sip::transport_proto::udp;
}

nat::response_routing routing_of(b2bua::response_routing r) {
  return r == b2bua::response_routing::rfc3261 ? nat::response_routing::rfc3261
                                               : nat::response_routing::symmetric;
}

int run(b2bua::config const& cfg, std::string const& config_path) {
  asio::io_context io(1);
  b2bua::log::set_level(cfg.level);

  b2bua::core tu([] { return sip::clock::now(); }, cfg.user_agent);
  std::vector<b2bua::front_listener> listeners;
  sip::io::transport_options topts;
  for (auto const& l : cfg.listeners) {
    listeners.push_back(
        {proto_of(l.proto), l.address, l.port, l.advertised_address, routing_of(l.routing)});
    topts.listeners.push_back({proto_of(l.proto), l.address, l.port, l.certificate, l.private_key,
                               l.ca_file, l.verify_client});
  }
  topts.idle_timeout = cfg.tcp_idle_timeout;
  topts.max_connections = cfg.tcp_max_connections;
  topts.limits.max_message_size = cfg.max_message_size;
  topts.client_ca_file = cfg.tls_ca_file;
  topts.verify_peer = cfg.tls_verify_peer;
  topts.verify_hostname = cfg.tls_verify_hostname;
  sip::timer_values const timers{.t1 = cfg.t1, .t2 = cfg.t2, .t4 = cfg.t4};

  b2bua::sip_front front(listeners, tu, timers, topts.limits, std::random_device{}());
  front.policy.allowed = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "REGISTER"};
  tu.attach(front);
  b2bua::io::sip_edge edge(io, front, topts);
  for (auto const& b : edge.transports().listeners())
    b2bua::log::info("sip", "listening on ", sip::via_token(b.proto), " ", b.address, ":", b.port);
  for (auto const& l : cfg.listeners)
    if (l.proto == b2bua::transport::tls && l.certificate.empty())
      b2bua::log::warning(
          "sip", "TLS listener ", l.address, ":", l.port,
          " uses a self-signed certificate made at startup; set certificate and private_key");

  asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&](std::error_code ec, int signal) {
    if (ec) return;
    b2bua::log::info("main", "signal ", signal, ": stopping");
    edge.close();
    io.stop();
  });
  asio::signal_set hup(io, SIGHUP);
  std::function<void()> wait_hup = [&] {
    hup.async_wait([&](std::error_code ec, int) {
      if (ec) return;
      try {
        auto const fresh =
            config_path.empty() ? b2bua::load_config() : b2bua::load_config_file(config_path);
        b2bua::log::set_level(fresh.level);
        b2bua::log::info(
            "main", "SIGHUP: reloaded ", config_path.empty() ? "the default" : config_path,
            "; log level ", b2bua::to_string(fresh.level),
            fresh.listeners != cfg.listeners ? "; listener changes need a restart" : "");
      } catch (b2bua::config_error const& e) {
        b2bua::log::error("main", "SIGHUP: configuration not reloaded: ", e.what());
      }
      wait_hup();
    });
  };
  wait_hup();

  io.run();
  auto const& c = front.counters();
  b2bua::log::info("main", "stopped: requests ", c.requests, ", responses ", c.responses,
                   ", malformed requests ", c.malformed_requests, ", malformed responses ",
                   c.malformed_responses, ", stateless replies ", c.stateless_replies,
                   ", send failures ", c.send_failures);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check = false, print = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view const arg = argv[i];
    if ((arg == "--config" || arg == "--check-config") && i + 1 < argc) {
      config_path = argv[++i];
      check = check || arg == "--check-config";
    } else if (arg == "--print-config") {
      print = true;
    } else if (arg == "--version") {
      std::puts("gatehouse 0.1.0");
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(usage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "gatehouse: unknown argument '%s'\n%s", argv[i], usage);
      return 2;
    }
  }
  gatehouse::b2bua::config cfg;
  try {
    cfg = config_path.empty() ? gatehouse::b2bua::load_config()
                              : gatehouse::b2bua::load_config_file(config_path);
  } catch (gatehouse::b2bua::config_error const& e) {
    std::fprintf(stderr, "gatehouse: %s\n", e.what());
    return 2;
  }
  if (check || print) {
    std::fputs(gatehouse::b2bua::to_json(cfg).c_str(), stdout);
    std::fputs("\n", stdout);
    if (check) std::fprintf(stderr, "gatehouse: %s: configuration OK\n", config_path.c_str());
    return 0;
  }
  try {
    return run(cfg, config_path);
  } catch (std::system_error const& e) {
    // Binding a listener, loading a certificate: one line, non-zero exit.
    std::fprintf(stderr, "gatehouse: %s\n", e.what());
    return 1;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "gatehouse: %s\n", e.what());
    return 1;
  }
}
