// The gatehouse daemon as a user meets it: a real process, real sockets on a private loopback
// address, real TLS, sipp as a real peer.
#include <doctest/doctest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "../sip/test_util.hpp"
#include "harness.hpp"
#include "sip/parser.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

// A gatehouse listening on UDP and TCP port 5060, TLS 5061 (with a certificate the test made)
// and TLS 5062 (with none: self-signed at startup) of a fresh loopback address.
struct gatehouse_process {
  test::temp_dir dir;
  std::string ip = test::loopback_address();
  std::string log_path = dir.path() + "/gatehouse.log";
  std::unique_ptr<test::process> proc;

  explicit gatehouse_process(std::string const& extra_sip = "") {
    test::make_certificate(dir.path(), ip);
    std::string const config = R"({
      "log": {"level": "debug"},
      "sip": {
        "listeners": [
          {"transport": "udp", "address": ")" +
                               ip + R"(", "port": 5060},
          {"transport": "tcp", "address": ")" +
                               ip + R"(", "port": 5060},
          {"transport": "tls", "address": ")" +
                               ip + R"(", "port": 5061,
           "certificate": "cert.pem", "private_key": "key.pem"},
          {"transport": "tls", "address": ")" +
                               ip + R"(", "port": 5062}
        ])" + extra_sip + R"(
      }
    })";
    std::string const path = dir.write("gatehouse.json", config);
    proc = std::make_unique<test::process>(GATEHOUSE_BINARY,
                                           std::vector<std::string>{"--config", path}, log_path);
    // Ready when it answers an OPTIONS.
    test::udp_client probe(ip);
    for (int i = 0; i < 100; ++i) {
      probe.send(
          ip, 5060,
          test::options_request(ip, 5060, "UDP", ip, probe.port(), "ready" + std::to_string(i)));
      if (probe.receive(100ms)) return;
      REQUIRE_MESSAGE(proc->running(), "gatehouse exited: ", log());
    }
    FAIL("gatehouse did not answer within 10 s: ", log());
  }
  ~gatehouse_process() {
    if (proc && proc->running()) {
      proc->signal(SIGTERM);
      proc->wait(5s);
    }
  }
  std::string log() const {
    std::ifstream in(log_path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
};

void check_options_reply(sip::message const& r) {
  CHECK(r.status() == 200);
  CHECK(r.find(sip::header_id::allow).value_or("").find("INVITE") != std::string_view::npos);
  CHECK(r.find(sip::header_id::accept) == "application/sdp");
  CHECK(r.find(sip::header_id::supported).has_value());
  sip::name_addr to;
  REQUIRE(!r.to(to));
  CHECK(!to.tag().empty());
}

}  // namespace

TEST_CASE("daemon: OPTIONS over UDP, TCP and TLS is answered 200 with Allow, Accept, Supported") {
  gatehouse_process d;
  test::udp_client udp(d.ip);
  udp.send(d.ip, 5060, test::options_request(d.ip, 5060, "UDP", d.ip, udp.port(), "u1"));
  auto const u = udp.receive(2s);
  REQUIRE(u);
  check_options_reply(test::parsed(*u));

  test::stream_client tcp(d.ip, 5060);
  REQUIRE(tcp.connected());
  tcp.send(test::options_request(d.ip, 5060, "TCP", d.ip, 5090, "t1"));
  auto const t = tcp.receive(2s);
  REQUIRE(t);
  check_options_reply(*t);

  test::stream_client tls(d.ip, 5061, true, d.dir.path() + "/cert.pem");
  REQUIRE_MESSAGE(tls.connected(), d.log());
  CHECK((tls.tls_version() == "TLSv1.3" || tls.tls_version() == "TLSv1.2"));
  tls.send(test::options_request(d.ip, 5061, "TLS", d.ip, 5091, "s1"));
  auto const s = tls.receive(2s);
  REQUIRE(s);
  check_options_reply(*s);
  // The same connection carries the next request.
  tls.send(test::options_request(d.ip, 5061, "TLS", d.ip, 5091, "s2"));
  REQUIRE(tls.receive(2s));
}

TEST_CASE("daemon: a loopback TLS listener with no certificate makes itself one") {
  gatehouse_process d;
  test::stream_client tls(d.ip, 5062, true);
  REQUIRE_MESSAGE(tls.connected(), d.log());
  tls.send(test::options_request(d.ip, 5062, "TLS", d.ip, 5093, "self1"));
  auto const r = tls.receive(2s);
  REQUIRE(r);
  CHECK(r->status() == 200);
  CHECK(d.log().find("uses a self-signed certificate made at startup") != std::string::npos);
  // It is a real certificate for that address, just not one anybody vouches for.
  test::stream_client strict(d.ip, 5062, true, d.dir.path() + "/cert.pem");
  CHECK(!strict.connected());
}

TEST_CASE("daemon: IPv6 listeners on ::1") {
  // ::1 is one address for every test run: pick a port at random and retry on a clash.
  test::temp_dir dir;
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::uint16_t const port = std::uint16_t(20000 + rng() % 40000);
    std::string const p = std::to_string(port);
    std::string const path = dir.write("v6.json", R"({"sip": {"listeners": [
        {"transport": "udp", "address": "::1", "port": )" +
                                                      p + R"(},
        {"transport": "tcp", "address": "::1", "port": )" +
                                                      p + R"(}]}})");
    test::process gh(GATEHOUSE_BINARY, {"--config", path}, dir.path() + "/v6.log");
    test::udp_client udp("::1");
    std::optional<std::string> reply;
    for (int i = 0; i < 50 && !reply && gh.running(); ++i) {
      udp.send("::1", port,
               test::options_request("[::1]", port, "UDP", "[::1]", udp.port(),
                                     "v6u" + std::to_string(i)));
      reply = udp.receive(100ms);
    }
    if (!reply) continue;  // the port was taken: try another
    CHECK(test::status_of(*reply) == 200);
    sip::message const m = test::parsed(*reply);
    sip::via v;
    REQUIRE(!m.top_via(v));
    CHECK(v.received() == "::1");
    test::stream_client tcp("::1", port);
    REQUIRE(tcp.connected());
    tcp.send(test::options_request("[::1]", port, "TCP", "[::1]", 5099, "v6t"));
    auto const t = tcp.receive(2s);
    REQUIRE(t);
    CHECK(t->status() == 200);
    return;
  }
  FAIL("could not start gatehouse on ::1");
}

TEST_CASE("daemon: RFC 4475 over UDP gets the manifest's replies") {
  gatehouse_process d;
  int handled = 0;
  auto const cases = test::torture_cases();
  for (auto const& c : cases) {
    INFO(c.file);
    test::udp_client client(d.ip);
    client.send(d.ip, 5060, c.bytes);
    bool const response = c.bytes.starts_with("SIP/");
    auto const reply = client.receive(response ? 300ms : 2s);
    auto const expected = test::manifest_codes(c.uas_reply);
    bool ok = false;
    if (response) {
      ok = !reply;  // responses are never answered: malformed ones dropped, others match nothing
    } else if (!expected.empty()) {
      REQUIRE_MESSAGE(reply, "no reply");
      INFO("got ", reply->substr(0, reply->find('\r')));
      ok = expected.contains(test::status_of(*reply));
    } else {
      // No fixed reply: whatever comes back must be a response.
      ok = !reply || test::status_of(*reply) >= 100;
    }
    CHECK(ok);
    handled += ok;
  }
  MESSAGE("RFC 4475 over UDP: ", handled, " of ", cases.size(), " as the manifest says");
  CHECK(handled == 49);
  // Still alive and answering.
  test::udp_client after(d.ip);
  after.send(d.ip, 5060, test::options_request(d.ip, 5060, "UDP", d.ip, after.port(), "after"));
  CHECK(after.receive(2s));
}

TEST_CASE("daemon: RFC 4475 over TCP, one connection each") {
  gatehouse_process d;
  int handled = 0;
  auto const cases = test::torture_cases();
  for (auto const& c : cases) {
    INFO(c.file);
    test::stream_client client(d.ip, 5060);
    REQUIRE(client.connected());
    client.send(c.bytes);
    bool const response = c.bytes.starts_with("SIP/");
    auto const reply = client.receive_raw(response ? 300ms : 2s);
    auto const expected = test::manifest_codes(c.uas_reply);
    int const status = reply ? test::status_of(*reply) : 0;
    INFO("got ", status);
    bool ok = false;
    if (response) {
      ok = !reply;
    } else if (c.file == "clerr.dat") {
      // RFC 4475 §3.1.2.2: on a stream, a Content-Length larger than the bytes sent means the
      // rest has not arrived yet: the server must wait (until the idle timeout), not answer.
      ok = !reply;
    } else if (!expected.empty()) {
      REQUIRE_MESSAGE(reply, "no reply");
      ok = expected.contains(status);
    } else {
      // No fixed reply; a message without Content-Length cannot be framed on a stream and gets
      // a 400 before the connection closes.
      ok = !reply || status >= 100;
    }
    CHECK(ok);
    handled += ok;
  }
  MESSAGE("RFC 4475 over TCP: ", handled, " of ", cases.size(), " as the manifest says");
  CHECK(handled == 49);
}

TEST_CASE("daemon: a retransmitted request is answered from its transaction") {
  gatehouse_process d;
  test::udp_client c(d.ip);
  std::string const req = test::options_request(d.ip, 5060, "UDP", d.ip, c.port(), "retrans1");
  c.send(d.ip, 5060, req);
  auto const first = c.receive(2s);
  c.send(d.ip, 5060, req);
  auto const second = c.receive(2s);
  REQUIRE(first);
  REQUIRE(second);
  // Processed twice, the To tag (random per answer) would differ.
  CHECK(*first == *second);
}

TEST_CASE("daemon: received and rport are stamped, and the reply goes to the source") {
  gatehouse_process d;
  test::udp_client c(d.ip);
  // The Via claims another address and port, as a phone behind NAT does.
  std::string req = test::options_request(d.ip, 5060, "UDP", "192.168.1.20", 5062, "nat1");
  c.send(d.ip, 5060, req);
  auto const r = c.receive(2s);
  REQUIRE(r);
  sip::message const reply = test::parsed(*r);  // the Via's views point into it
  sip::via v;
  REQUIRE(!reply.top_via(v));
  CHECK(v.received() == d.ip);
  CHECK(v.rport() == std::to_string(c.port()));
}

TEST_CASE("daemon: a flood of garbage is dropped and counted, and service goes on") {
  gatehouse_process d;
  test::udp_client junk(d.ip);
  std::mt19937 rng(4475);
  std::string const seed = test::read_data("sip/invite.msg");
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = seed;
    for (int k = 0; k < 20; ++k) bytes[rng() % bytes.size()] = char(rng());
    bytes.resize(rng() % bytes.size());
    junk.send(d.ip, 5060, bytes);
  }
  test::stream_client tcp(d.ip, 5060);
  tcp.send(std::string(70000, 'x'));  // no message head ever ends: refused at the size limit
  CHECK(tcp.closed_by_peer(5s));
  test::udp_client c(d.ip);
  bool answered = false;
  for (int i = 0; i < 20 && !answered; ++i) {
    c.send(d.ip, 5060,
           test::options_request(d.ip, 5060, "UDP", d.ip, c.port(), "alive" + std::to_string(i)));
    answered = c.receive(500ms).has_value();
  }
  CHECK(answered);
  REQUIRE(d.proc->running());
  d.proc->signal(SIGTERM);
  CHECK(d.proc->wait(5s) == 0);
  // The shutdown summary counts what was refused.
  auto const log = d.log();
  auto const at = log.find("malformed requests ");
  REQUIRE(at != std::string::npos);
  CHECK(std::stoul(log.substr(at + 19)) > 1000);
}

TEST_CASE("daemon: a malformed request on TCP gets a 400 and the connection closes") {
  gatehouse_process d;
  test::stream_client tcp(d.ip, 5060);
  tcp.send(
      "OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKb\r\nFrom: "
      "<sip:a@b>;tag=1\r\n"
      "To: <sip:x@y>\r\nCall-ID: bad\r\nCSeq: one OPTIONS\r\nContent-Length: 0\r\n\r\n");
  auto const r = tcp.receive_raw(2s);
  REQUIRE(r);
  CHECK(test::status_of(*r) == 400);
  CHECK(r->substr(0, r->find('\r')) == "SIP/2.0 400 Bad Request (malformed header value (CSeq))");
  CHECK(tcp.closed_by_peer(2s));
}

TEST_CASE("daemon: SIGTERM stops it cleanly") {
  gatehouse_process d;
  d.proc->signal(SIGTERM);
  CHECK(d.proc->wait(5s) == 0);
  CHECK(d.log().find("stopping") != std::string::npos);
}

TEST_CASE("daemon: a bad configuration gets one line naming the field, and a non-zero exit") {
  test::temp_dir dir;
  std::string out;
  std::string const bad = dir.write(
      "bad.json",
      R"({"sip": {"listeners": [{"transport": "udp", "address": "127.0.0.1", "port": 70000}]}})");
  CHECK(test::run_command({GATEHOUSE_BINARY, "--check-config", bad}, out) != 0);
  CHECK(out.find("sip.listeners[0].port") != std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);

  std::string const good = dir.write("good.json", R"({"log": {"level": "warning"}})");
  CHECK(test::run_command({GATEHOUSE_BINARY, "--check-config", good}, out) == 0);
  CHECK(out.find("\"warning\"") != std::string::npos);

  // A listener that cannot be bound: one line, non-zero.
  std::string const unbindable = dir.write(
      "unbindable.json",
      R"({"sip": {"listeners": [{"transport": "udp", "address": "192.0.2.1", "port": 5060}]}})");
  CHECK(test::run_command({GATEHOUSE_BINARY, "--config", unbindable}, out) != 0);
  CHECK(out.find("listener UDP 192.0.2.1:5060") != std::string::npos);
}

TEST_CASE("daemon: sipp sends a burst of OPTIONS and every one is answered") {
  gatehouse_process d;
  std::string const sipp_ip = test::loopback_address();
  std::string out;
  int const status = test::run_command(
      {"sipp", "-sf", std::string(GATEHOUSE_SOURCE_DIR) + "/tests/integration/sipp/options_uac.xml",
       d.ip + ":5060", "-i", sipp_ip, "-p", "5070", "-m", "2000", "-r", "1000", "-timeout", "30s",
       "-timeout_error", "-nostdin", "-trace_err", "-error_file",
       d.dir.path() + "/sipp-errors.log"},
      out, 60s);
  INFO(out);
  CHECK(status == 0);  // sipp exits 0 only when every call succeeded
  CHECK(out.find("Successful call") != std::string::npos);
}
