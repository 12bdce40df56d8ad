#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace gatehouse::b2bua {

/// How much the daemon says, from everything (trace) to failures only (error).
enum class log_level : std::uint8_t { trace, debug, info, warning, error };

/// The level's name as written in the configuration: "trace" ... "error".
std::string_view to_string(log_level level) noexcept;

/// Parses a level name as written in the configuration; nullopt for anything else.
std::optional<log_level> parse_log_level(std::string_view name) noexcept;

/// The process-wide logger: one line per event,
/// `2026-11-21T08:15:02.123Z info  sip: listening on udp 127.0.0.1:5060`.
namespace log {

/// Receives each finished line, '\n' included; called under a lock, one line at a time, so
/// it must not log itself.
using sink = std::function<void(std::string_view line)>;

/// Sets the lowest level that is written; safe to call from any thread at any time.
void set_level(log_level level) noexcept;

/// The lowest level that is written (info until set_level is called).
log_level level() noexcept;

/// True when an event at `level` would be written.
bool is_enabled(log_level level) noexcept;

/// Replaces where lines go; an empty function restores the default (one write() to stderr).
void set_sink(sink s);

/// Writes one line. Control characters in `component` and `message` are escaped (\n, \r, \t,
/// \xHH) so that text from the network can never start a line of its own.
void write(log_level level, std::string_view component, std::string_view message);

/// Streams `args` into the message of one line; formats nothing when `level` is filtered out.
template <class... Args>
void emit(log_level level, std::string_view component, Args const&... args) {
  if (!is_enabled(level)) return;
  std::ostringstream os;
  (os << ... << args);
  write(level, component, std::move(os).str());
}

/// An event that only helps follow the code: every message, every timer.
template <class... Args>
void trace(std::string_view component, Args const&... args) {
  emit(log_level::trace, component, args...);
}

/// An event that helps diagnose a problem: one line per call step.
template <class... Args>
void debug(std::string_view component, Args const&... args) {
  emit(log_level::debug, component, args...);
}

/// An event an operator wants to see: start, stop, reload, listeners.
template <class... Args>
void info(std::string_view component, Args const&... args) {
  emit(log_level::info, component, args...);
}

/// Something went wrong but service goes on.
template <class... Args>
void warning(std::string_view component, Args const&... args) {
  emit(log_level::warning, component, args...);
}

/// Something failed that an operator must act on.
template <class... Args>
void error(std::string_view component, Args const&... args) {
  emit(log_level::error, component, args...);
}

}  // namespace log
}  // namespace gatehouse::b2bua
