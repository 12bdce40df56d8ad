#include "rtpengine.hpp"

#include "media/io/socket_address.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace gatehouse::bench {

namespace {

// The running daemon, for the signal handler: it must not outlive an interrupted benchmark.
std::atomic<pid_t> running_pid{-1};

extern "C" void on_fatal_signal(int sig) {
  pid_t const pid = running_pid.load();
  if (pid > 0) ::kill(pid, SIGKILL);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void install_signal_handlers() {
  static bool const installed = [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, on_fatal_signal);
    return true;
  }();
  (void)installed;
}

std::string find_binary() {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/usr/bin:/sbin";
  std::istringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string const candidate = dir + "/rtpengine";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string tail(std::string const& path, std::size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
    out += "  " + all[i] + "\n";
  return out;
}

void encode_string(std::string const& s, std::string& out) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

// A minimal bencode reader for replies: walks one value at `pos`, returning false when the
// input is malformed. Strings and integers of the top-level dictionary land in `values`.
struct bdecoder {
  std::string_view in;
  std::size_t pos = 0;

  bool read_string(std::string& out) {
    std::size_t const colon = in.find(':', pos);
    if (colon == std::string_view::npos || colon == pos) return false;
    std::size_t len = 0;
    for (std::size_t i = pos; i < colon; ++i) {
      if (in[i] < '0' || in[i] > '9') return false;
      len = len * 10 + std::size_t(in[i] - '0');
    }
    if (colon + 1 + len > in.size()) return false;
    out.assign(in.substr(colon + 1, len));
    pos = colon + 1 + len;
    return true;
  }

  // One value of any kind; `text` gets a string's or an integer's text.
  bool read_value(std::string* text) {
    if (pos >= in.size()) return false;
    char const c = in[pos];
    if (c == 'i') {
      std::size_t const e = in.find('e', pos);
      if (e == std::string_view::npos) return false;
      if (text) text->assign(in.substr(pos + 1, e - pos - 1));
      pos = e + 1;
      return true;
    }
    if (c == 'l' || c == 'd') {
      ++pos;
      while (pos < in.size() && in[pos] != 'e') {
        std::string key;
        if (c == 'd' && !read_string(key)) return false;
        if (!read_value(nullptr)) return false;
      }
      if (pos >= in.size()) return false;
      ++pos;
      return true;
    }
    std::string s;
    if (!read_string(s)) return false;
    if (text) *text = std::move(s);
    return true;
  }

  bool read_top(std::map<std::string, std::string>& values) {
    if (pos >= in.size() || in[pos] != 'd') return false;
    ++pos;
    while (pos < in.size() && in[pos] != 'e') {
      std::string key;
      if (!read_string(key)) return false;
      bool const scalar = pos < in.size() && in[pos] != 'l' && in[pos] != 'd';
      std::string value;
      if (!read_value(scalar ? &value : nullptr)) return false;
      if (scalar) values[key] = std::move(value);
    }
    return pos < in.size();
  }
};

}  // namespace

std::string bencode(ng_dict const& d) {
  std::string out = "d";
  for (auto const& [key, value] : d) {
    encode_string(key, out);
    if (auto const* s = std::get_if<std::string>(&value)) {
      encode_string(*s, out);
    } else {
      out += 'l';
      for (auto const& item : std::get<std::vector<std::string>>(value)) encode_string(item, out);
      out += 'e';
    }
  }
  out += 'e';
  return out;
}

bool rtpengine_daemon::is_installed() {
  return !find_binary().empty();
}

std::string rtpengine_daemon::version() {
  std::string const binary = find_binary();
  if (binary.empty()) return {};
  std::string const command = binary + " --version 2>&1";
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return {};
  std::array<char, 256> buf{};
  std::string out;
  while (std::fgets(buf.data(), int(buf.size()), p)) out += buf.data();
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  if (auto const at = out.rfind(' '); at != std::string::npos) out = out.substr(at + 1);
  return out;
}

rtpengine_daemon::rtpengine_daemon(rtpengine_options const& options) : options_(options) {
  std::string const binary = find_binary();
  if (binary.empty())
    throw std::runtime_error("rtpengine is not installed (Debian package rtpengine-daemon)");
  install_signal_handlers();

  // Everything the child needs is prepared before fork: after it, only exec-safe calls.
  std::vector<std::string> args = {
      binary,
      "--config-file=none",  // not /etc/rtpengine/rtpengine.conf
      "--table=-1",          // no kernel forwarding: userspace only
      "--interface=" + options.interface_ip,
      "--listen-ng=" + media::to_string(options.ng.ip) + ":" + std::to_string(options.ng.port),
      "--port-min=" + std::to_string(options.port_min),
      "--port-max=" + std::to_string(options.port_max),
      "--num-threads=1",
      "--timeout=60",
      "--foreground",
      "--log-stderr",
      "--log-level=4",  // warnings and worse
  };
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  cpu_set_t set;
  CPU_ZERO(&set);
  if (options.cpu >= 0) CPU_SET(options.cpu, &set);
  pid_t const parent = ::getpid();
  int const log = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("rtpengine: cannot write " + options.log_path);

  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(log);
    throw std::runtime_error("rtpengine: fork failed");
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    if (options.cpu >= 0) ::sched_setaffinity(0, sizeof set, &set);
    ::signal(SIGINT, SIG_DFL), ::signal(SIGTERM, SIG_DFL), ::signal(SIGHUP, SIG_DFL);
    int const null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log);
  running_pid = pid_;

  // Ready when it answers a ping.
  ng_client probe(options.ng.ip, options.ng);
  auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      running_pid = -1;
      throw std::runtime_error("rtpengine exited at start-up; its log (" + options.log_path +
                               "):\n" + tail(options.log_path, 10));
    }
    try {
      auto const reply =
          probe.request({{"command", std::string("ping")}}, std::chrono::milliseconds(100));
      if (reply.contains("result") && reply.at("result") == "pong") return;
    } catch (std::runtime_error const&) {}
    if (std::chrono::steady_clock::now() > until) {
      stop();
      throw std::runtime_error("rtpengine did not answer an ng ping in 10 s; its log:\n" +
                               tail(options.log_path, 10));
    }
  }
}

rtpengine_daemon::~rtpengine_daemon() {
  stop();
}

void rtpengine_daemon::stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  auto const until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > until) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  running_pid = -1;
}

double rtpengine_daemon::cpu_seconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto const close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  // After "(comm) ": field 3 (state) is index 0; utime and stime are fields 14 and 15.
  for (int i = 0; i <= 12 && fields >> field; ++i)
    if (i == 11 || i == 12) ticks += std::stod(field);
  return ticks / double(::sysconf(_SC_CLK_TCK));
}

ng_client::ng_client(media::ip_address const& local_ip, media::socket_address const& server) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("ng client: socket");
  sockaddr_storage local, remote;
  socklen_t const local_len = media::io::to_sockaddr({local_ip, 0}, local);
  socklen_t const remote_len = media::io::to_sockaddr(server, remote);
  if (::bind(fd_, reinterpret_cast<sockaddr const*>(&local), local_len) != 0 ||
      ::connect(fd_, reinterpret_cast<sockaddr const*>(&remote), remote_len) != 0) {
    ::close(fd_);
    throw std::runtime_error("ng client: cannot bind or connect");
  }
}

ng_client::~ng_client() {
  ::close(fd_);
}

std::map<std::string, std::string> ng_client::request(ng_dict const& command,
                                                      std::chrono::milliseconds timeout) {
  // rtpengine caches replies by cookie: a cookie must never repeat, whichever client sends it.
  static std::atomic<std::uint64_t> next_cookie{1};
  std::string const cookie = std::to_string(::getpid()) + "-" + std::to_string(next_cookie++);
  std::string const message = cookie + " " + bencode(command);
  std::array<char, 65536> buf;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::send(fd_, message.data(), message.size(), 0) < 0 && errno != ECONNREFUSED)
      throw std::runtime_error("ng client: send: " + std::string(std::strerror(errno)));
    auto const until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd pf{fd_, POLLIN, 0};
      if (::poll(&pf, 1, int(left.count())) <= 0) continue;
      ssize_t const n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n <= 0) continue;  // ECONNREFUSED while it starts
      std::string_view reply(buf.data(), std::size_t(n));
      if (!reply.starts_with(cookie + " ")) continue;  // a late reply to an earlier try
      bdecoder d{reply.substr(cookie.size() + 1)};
      std::map<std::string, std::string> values;
      if (!d.read_top(values)) throw std::runtime_error("ng client: malformed reply");
      return values;
    }
  }
  throw std::runtime_error("ng client: no reply to " +
                           std::get<std::string>(command.at("command")));
}

}  // namespace gatehouse::bench
