#include "b2bua/log.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <mutex>

namespace gatehouse::b2bua {

namespace {

constexpr std::array<std::string_view, 5> level_names = {"trace", "debug", "info", "warning",
                                                         "error"};
// Padded to one width so that components line up; "warn" keeps "warning" to that width.
constexpr std::array<std::string_view, 5> level_labels = {"trace", "debug", "info ", "warn ",
                                                          "error"};

std::atomic<log_level> current_level{log_level::info};
std::mutex sink_mutex;
log::sink current_sink;  // guarded by sink_mutex; empty means stderr

void write_stderr(std::string_view line) {
  while (!line.empty()) {
    ssize_t const n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report it
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

void append_escaped(std::string& out, std::string_view text) {
  constexpr char hex[] = "0123456789abcdef";
  for (char const c : text) {
    auto const u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
}

void append_timestamp(std::string& out) {
  using namespace std::chrono;
  auto const now = time_point_cast<milliseconds>(system_clock::now());
  std::time_t const secs = system_clock::to_time_t(now);
  auto const ms = (now.time_since_epoch() % seconds(1)).count();
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  std::array<char, 32> buf{};
  std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%S", &utc);
  buf[n++] = '.';
  buf[n++] = static_cast<char>('0' + ms / 100);
  buf[n++] = static_cast<char>('0' + ms / 10 % 10);
  buf[n++] = static_cast<char>('0' + ms % 10);
  buf[n++] = 'Z';
  out.append(buf.data(), n);
}

}  // namespace

std::string_view to_string(log_level level) noexcept {
  return level_names[static_cast<std::size_t>(level)];
}

std::optional<log_level> parse_log_level(std::string_view name) noexcept {
  for (std::size_t i = 0; i < level_names.size(); ++i)
    if (level_names[i] == name) return static_cast<log_level>(i);
  return std::nullopt;
}

namespace log {

void set_level(log_level level) noexcept {
  current_level.store(level, std::memory_order_relaxed);
}

log_level level() noexcept {
  return current_level.load(std::memory_order_relaxed);
}

bool is_enabled(log_level level) noexcept {
  return level >= log::level();
}

void set_sink(sink s) {
  std::lock_guard lock(sink_mutex);
  current_sink = std::move(s);
}

void write(log_level level, std::string_view component, std::string_view message) {
  std::string line;
  line.reserve(32 + component.size() + message.size());
  append_timestamp(line);
  line += ' ';
  line += level_labels[static_cast<std::size_t>(level)];
  line += ' ';
  append_escaped(line, component);
  line += ": ";
  append_escaped(line, message);
  line += '\n';
  // One call per line, serialised: lines from different threads never interleave.
  std::lock_guard lock(sink_mutex);
  if (current_sink)
    current_sink(line);
  else
    write_stderr(line);
}

}  // namespace log
}  // namespace gatehouse::b2bua
