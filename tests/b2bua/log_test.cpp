// The logger: one line per event, in one format, filtered by level, safe for network text.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "b2bua/config.hpp"
#include "b2bua/log.hpp"

using namespace gatehouse::b2bua;

namespace {

// Captures every line while alive, then restores stderr and the level.
struct capture {
  std::vector<std::string> lines;
  log_level saved = log::level();
  capture() {
    log::set_sink([this](std::string_view line) { lines.emplace_back(line); });
  }
  ~capture() {
    log::set_sink({});
    log::set_level(saved);
  }
};

// Counts how often it is formatted.
struct counted {
  int* count;
  friend std::ostream& operator<<(std::ostream& os, counted const& c) {
    ++*c.count;
    return os << "counted";
  }
};

// The line format, as the regex
// \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trace|debug|info |warn |error) [^\n]*: [^\n]*\n
// would say it (GCC 12's <regex> trips -Wmaybe-uninitialized under the sanitizers).
bool is_log_line(std::string_view line) {
  std::string_view const stamp = "dddd-dd-ddTdd:dd:dd.dddZ ";
  if (line.size() < stamp.size() + 6) return false;
  for (std::size_t i = 0; i < stamp.size(); ++i)
    if (stamp[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(line[i])) : stamp[i] != line[i])
      return false;
  line.remove_prefix(stamp.size());
  auto const label = line.substr(0, 6);
  if (label != "trace " && label != "debug " && label != "info  " && label != "warn  " &&
      label != "error ")
    return false;
  line.remove_prefix(6);
  return line.find(": ") != std::string_view::npos && line.find('\n') == line.size() - 1;
}

}  // namespace

TEST_CASE("log: a line has a UTC timestamp, the level, the component and the message") {
  capture cap;
  log::info("sip", "listening on ", transport::udp, " ", "127.0.0.1", ":", 5060);
  REQUIRE(cap.lines.size() == 1);
  auto const& line = cap.lines[0];
  CHECK(is_log_line(line));
  CHECK(line.substr(24) == " info  sip: listening on udp 127.0.0.1:5060\n");

  // The timestamp is now, in UTC.
  std::tm tm{};
  REQUIRE(::strptime(line.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr);
  auto const logged = std::chrono::system_clock::from_time_t(::timegm(&tm));
  auto const skew = std::chrono::system_clock::now() - logged;
  CHECK(skew >= std::chrono::seconds(0));
  CHECK(skew < std::chrono::seconds(5));
}

TEST_CASE("log: every level has its label") {
  capture cap;
  log::set_level(log_level::trace);
  log::trace("t", 1);
  log::debug("d", 2);
  log::info("i", 3);
  log::warning("w", 4);
  log::error("e", 5);
  REQUIRE(cap.lines.size() == 5);
  char const* const expected[] = {" trace t: 1\n", " debug d: 2\n", " info  i: 3\n",
                                  " warn  w: 4\n", " error e: 5\n"};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(is_log_line(cap.lines[i]));
    CHECK(cap.lines[i].substr(24) == expected[i]);
  }
}

TEST_CASE("log: events below the level are neither written nor formatted") {
  capture cap;
  int formatted = 0;
  log::set_level(log_level::warning);
  CHECK(log::level() == log_level::warning);
  CHECK(!log::is_enabled(log_level::info));
  CHECK(log::is_enabled(log_level::error));
  log::debug("sip", counted{&formatted});
  log::info("sip", counted{&formatted});
  CHECK(cap.lines.empty());
  CHECK(formatted == 0);
  log::warning("sip", counted{&formatted});
  log::error("sip", counted{&formatted});
  CHECK(cap.lines.size() == 2);
  CHECK(formatted == 2);

  // The level changes at run time, as on a SIGHUP reload.
  log::set_level(log_level::debug);
  log::debug("sip", "now visible");
  REQUIRE(cap.lines.size() == 3);
  CHECK(cap.lines[2].ends_with("debug sip: now visible\n"));
}

TEST_CASE("log: control characters from the network cannot start a new line") {
  capture cap;
  std::string const from_network = "INVITE\r\n2026-01-01T00:00:00.000Z error sip: forged\t\x01\x7f";
  log::warning("sip\n", "bad request: ", from_network, " (", std::string_view("a\nb"), ")");
  REQUIRE(cap.lines.size() == 1);
  CHECK(cap.lines[0].substr(24) ==
        " warn  sip\\n: bad request: INVITE\\r\\n2026-01-01T00:00:00.000Z error sip: "
        "forged\\t\\x01\\x7f (a\\nb)\n");
  // UTF-8 passes through.
  log::warning("sip", "caller \xc3\xa9mile");
  CHECK(cap.lines[1].ends_with(" sip: caller \xc3\xa9mile\n"));
}

TEST_CASE("log: one call is one whole line, also from many threads") {
  capture cap;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < 100; ++i) log::info("thread", t, " event ", i);
    });
  for (auto& th : threads) th.join();
  REQUIRE(cap.lines.size() == 400);
  for (auto const& line : cap.lines) {
    REQUIRE(is_log_line(line));
    CHECK(line.find('\n') == line.size() - 1);
  }
}

TEST_CASE("log: without a sink, lines go to stderr") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  int const saved = ::dup(STDERR_FILENO);
  ::dup2(fds[1], STDERR_FILENO);
  log::error("main", "cannot bind ", 5060);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(fds[1]);
  char buf[256];
  auto const n = ::read(fds[0], buf, sizeof buf);
  ::close(fds[0]);
  REQUIRE(n > 24);
  std::string const line(buf, static_cast<std::size_t>(n));
  CHECK(is_log_line(line));
  CHECK(line.substr(24) == " error main: cannot bind 5060\n");
}

TEST_CASE("log: level names match the configuration's") {
  for (auto const level :
       {log_level::trace, log_level::debug, log_level::info, log_level::warning, log_level::error})
    CHECK(parse_log_level(to_string(level)) == level);
  CHECK(to_string(log_level::warning) == "warning");
  CHECK(!parse_log_level("warn"));
  CHECK(!parse_log_level("INFO"));
  CHECK(!parse_log_level(""));
}
