// sip::io::transport_set on real sockets: outbound TCP and TLS connections, their reuse, TLS
// verification of the server (CA file, host name via SNI and subjectAltName), CRLF keepalives,
// the connection cap and the idle timeout.
#include <doctest/doctest.h>

#include <functional>
#include <thread>

#include "harness.hpp"
#include "sip/io/transport.hpp"
#include "sip/parser.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

struct recorder : sip::io::transport_handler {
  std::vector<sip::peer> received;
  std::vector<std::string> methods;
  std::vector<std::error_code> failures;
  int datagrams = 0;
  void on_datagram(std::string_view, sip::peer const&) override { ++datagrams; }
  void on_stream_message(sip::message& m, sip::peer const& from) override {
    received.push_back(from);
    methods.emplace_back(m.method());
  }
  std::string on_stream_error(sip::parse_error const&, sip::message const&,
                              sip::peer const&) override {
    return {};
  }
  void on_send_failed(sip::peer const&, std::error_code ec) override { failures.push_back(ec); }
};

// Runs the io_context until `done` holds or `limit` passes.
bool run_until(asio::io_context& io, std::function<bool()> const& done,
               std::chrono::milliseconds limit = 5s) {
  auto const until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    io.restart();
    io.run_for(10ms);
  }
  return true;
}

std::string request(std::string const& id) {
  return "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK" + id +
         "\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: " + id +
         "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
}

struct pair_of_sets {
  test::temp_dir dir;
  std::string ip = test::loopback_address();
  asio::io_context io;
  recorder server_events, client_events;
  std::unique_ptr<sip::io::transport_set> server, client;

  explicit pair_of_sets(sip::io::transport_options client_options = {},
                        std::size_t server_max_connections = 4096,
                        std::chrono::seconds idle = 300s) {
    test::make_certificate(dir.path(), ip);
    sip::io::transport_options s;
    s.listeners = {{.proto = sip::transport_proto::tcp, .address = ip, .port = 0},
                   {.proto = sip::transport_proto::tls,
                    .address = ip,
                    .port = 0,
                    .certificate = dir.path() + "/cert.pem",
                    .private_key = dir.path() + "/key.pem"}};
    s.max_connections = server_max_connections;
    s.idle_timeout = idle;
    server = std::make_unique<sip::io::transport_set>(io, s, server_events);
    client = std::make_unique<sip::io::transport_set>(io, client_options, client_events);
  }
  std::uint16_t port(std::size_t i) const { return server->listeners()[i].port; }
};

sip::peer to(sip::transport_proto proto, std::string const& ip, std::uint16_t port,
             std::string const& name = {}) {
  return {.proto = proto, .ip = ip, .port = port, .server_name = name};
}

}  // namespace

TEST_CASE("transport: outbound TCP, and the connection is reused for the same peer") {
  pair_of_sets p;
  p.client->send(to(sip::transport_proto::tcp, p.ip, p.port(0)), request("a"));
  p.client->send(to(sip::transport_proto::tcp, p.ip, p.port(0)), request("b"));
  REQUIRE(run_until(p.io, [&] { return p.server_events.methods.size() == 2; }));
  CHECK(p.client->connection_count() == 1);
  CHECK(p.server_events.received[0].connection == p.server_events.received[1].connection);
  CHECK(p.client_events.failures.empty());
}

TEST_CASE("transport: outbound TLS verifies the server against the CA file and its name") {
  sip::io::transport_options verify;
  test::temp_dir ca_holder;
  SUBCASE("by IP address in subjectAltName") {
    pair_of_sets p(verify);
    // The client trusts the server's own certificate as its CA.
    sip::io::transport_options o;
    o.client_ca_file = p.dir.path() + "/cert.pem";
    recorder events;
    sip::io::transport_set client(p.io, o, events);
    client.send(to(sip::transport_proto::tls, p.ip, p.port(1)), request("tls1"));
    REQUIRE(run_until(p.io, [&] { return !p.server_events.methods.empty(); }));
    CHECK(p.server_events.received[0].proto == sip::transport_proto::tls);
    CHECK(events.failures.empty());
  }
  SUBCASE("by host name, sent as SNI") {
    pair_of_sets p;
    sip::io::transport_options o;
    o.client_ca_file = p.dir.path() + "/cert.pem";
    recorder events;
    sip::io::transport_set client(p.io, o, events);
    client.send(to(sip::transport_proto::tls, p.ip, p.port(1), "gatehouse.test"), request("tls2"));
    REQUIRE(run_until(p.io, [&] { return !p.server_events.methods.empty(); }));
    CHECK(events.failures.empty());
  }
  SUBCASE("a name the certificate does not carry is refused") {
    pair_of_sets p;
    sip::io::transport_options o;
    o.client_ca_file = p.dir.path() + "/cert.pem";
    recorder events;
    sip::io::transport_set client(p.io, o, events);
    client.send(to(sip::transport_proto::tls, p.ip, p.port(1), "evil.test"), request("tls3"));
    REQUIRE(run_until(p.io, [&] { return !events.failures.empty(); }));
    CHECK(p.server_events.methods.empty());
  }
  SUBCASE("a server no configured CA vouches for is refused") {
    pair_of_sets p;
    test::make_certificate(ca_holder.path(), p.ip);  // another self-signed certificate
    sip::io::transport_options o;
    o.client_ca_file = ca_holder.path() + "/cert.pem";
    recorder events;
    sip::io::transport_set client(p.io, o, events);
    client.send(to(sip::transport_proto::tls, p.ip, p.port(1)), request("tls4"));
    REQUIRE(run_until(p.io, [&] { return !events.failures.empty(); }));
    CHECK(p.server_events.methods.empty());
  }
  SUBCASE("verification off (only where the configuration says so) lets it through") {
    pair_of_sets p;
    sip::io::transport_options o;
    o.verify_peer = false;
    recorder events;
    sip::io::transport_set client(p.io, o, events);
    client.send(to(sip::transport_proto::tls, p.ip, p.port(1), "evil.test"), request("tls5"));
    REQUIRE(run_until(p.io, [&] { return !p.server_events.methods.empty(); }));
  }
}

TEST_CASE("transport: a refused connection is reported as a send failure") {
  pair_of_sets p;
  p.client->send(to(sip::transport_proto::tcp, p.ip, 1), request("nobody"));
  REQUIRE(run_until(p.io, [&] { return !p.client_events.failures.empty(); }));
  CHECK(p.client->connection_count() == 0);
}

TEST_CASE("transport: CRLFCRLF gets a CRLF pong (RFC 5626 §3.5.1)") {
  pair_of_sets p;
  std::thread runner([&] {
    run_until(
        p.io, [] { return false; }, 1500ms);
  });
  test::stream_client c(p.ip, p.port(0));
  c.send("\r\n\r\n");
  auto const pong = c.receive_bytes(1s);
  c.send(request("after-ping"));  // and the connection carries on
  runner.join();
  CHECK(pong == "\r\n");
  CHECK(p.server_events.methods == std::vector<std::string>{"OPTIONS"});
}

TEST_CASE("transport: the connection cap refuses the connection beyond it") {
  pair_of_sets p({}, 2);
  std::thread runner([&] {
    run_until(
        p.io, [] { return false; }, 1500ms);
  });
  test::stream_client a(p.ip, p.port(0)), b(p.ip, p.port(0));
  std::this_thread::sleep_for(200ms);
  test::stream_client c(p.ip, p.port(0));
  bool const third_closed = c.closed_by_peer(1s);
  bool const first_open = !a.closed_by_peer(100ms);
  runner.join();
  CHECK(third_closed);
  CHECK(first_open);
}

TEST_CASE("transport: an idle connection is closed") {
  pair_of_sets p({}, 4096, 1s);
  std::thread runner([&] {
    run_until(
        p.io, [] { return false; }, 3000ms);
  });
  test::stream_client c(p.ip, p.port(0));
  bool const closed = c.closed_by_peer(2500ms);
  runner.join();
  CHECK(closed);
  CHECK(p.server->connection_count() == 0);
}
