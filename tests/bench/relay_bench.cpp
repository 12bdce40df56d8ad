// Media relay benchmark: RTP packets forwarded per second by one relay core, gatehouse's
// forwarding worker against rtpengine (Debian's rtpengine-daemon, userspace forwarding, one
// worker thread), measured in the same run on loopback.
//
// Load: N streams of G.711-sized RTP (12-byte header, 172-byte payload), 50 packets/s each way,
// so N = rate / 100; plain RTP on both sides, or SRTP (AES_CM_128_HMAC_SHA1_80) on side A and
// plain RTP on side B. The relay is pinned to one CPU (gatehouse: the process is pinned there
// before the worker thread starts, then the load's thread moves to the other CPU; rtpengine:
// its process is pinned with sched_setaffinity, --num-threads=1), the load to the other one.
//
// Capacity: each rate runs for RELAY_BENCH_SECONDS (20 s: a shorter run hides overload in the
// socket buffers) on a fresh relay (a new worker, a new rtpengine), and is judged on its second
// half. A step passes when less than 0.01% of the packets were lost, the second half's delivered
// rate is at least 99% of the rate asked, the median latency did not grow by more than 5 ms
// across the second half (a queue that grows is a relay that does not keep up, even before its
// socket buffers overflow) and no stream direction went silent. Rates rise until the first
// failure; the figure is the highest passing rate. A step where the load itself could not keep
// its schedule (or lost packets in its own buffers) ends the search without judging the relay.
// This machine is shared: a step that another process disturbed (the relay's or the load's
// thread waited for a CPU more than 5% of the time, or the relay's CPU was busier than its
// threads) is run again once the CPUs are quiet, twice at most.
// Latency: receive time (the kernel's, SO_TIMESTAMPNS) minus the send time the load stamped in
// the payload (CLOCK_MONOTONIC), on the far side of the relay; on loopback it includes the
// kernel path both ways. It is reported for every step and at 80% of each relay's maximum.
//
// Environment: RELAY_BENCH_SECONDS; RELAY_BENCH_RATES and RELAY_BENCH_SRTP_RATES (packets/s,
// both directions, blank-separated); RELAY_BENCH_RELAYS ("gatehouse rtpengine");
// RELAY_BENCH_MODES ("rtp srtp"); RELAY_BENCH_LATENCY (the modes that get an 80% run: "rtp",
// "all" or "none"); RELAY_BENCH_RELAY_CPU / RELAY_BENCH_LOAD_CPU (0 / 1); RELAY_BENCH_SOCKETS
// (load sockets per side, 8); RELAY_BENCH_NICE (-10: the relays and the load run at this nice
// value, both relays alike, so that builds others run on a shared machine take the idle time
// rather than the measured time; 0 leaves it). Arguments are ignored (./dev bench passes Google
// Benchmark's).
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "media/io/worker.hpp"
#include "media/sdp.hpp"
#include "rtp_load.hpp"
#include "rtpengine.hpp"

using namespace gatehouse;
using namespace std::chrono_literals;

namespace {

// Loopback only. The relays take turns on their own addresses; the load has one per side.
constexpr char gatehouse_ip[] = "127.0.0.71";
constexpr char rtpengine_ip[] = "127.0.0.72";
constexpr char load_a_ip[] = "127.0.0.73";
constexpr char load_b_ip[] = "127.0.0.74";
constexpr std::uint16_t ng_port = 22222;
// Below the ephemeral ports other tests draw from (32768 and up) and the system rtpengine
// service's default range (30000-40000), should the package have started one.
constexpr std::uint16_t port_min = 16000;
constexpr std::uint16_t port_max = 29999;
constexpr int per_stream = 100;  // packets/s of one stream, both directions
constexpr auto drain = 1000ms;   // receiving after the last send, for packets still queued

enum class relay_kind { gatehouse, rtpengine };
enum class media_mode { rtp, srtp };

char const* name(relay_kind r) {
  return r == relay_kind::gatehouse ? "gatehouse" : "rtpengine";
}
char const* name(media_mode m) {
  return m == media_mode::rtp ? "plain RTP both sides" : "SRTP (AES_CM_128_HMAC_SHA1_80) to RTP";
}

struct config {
  int seconds = 20;
  std::vector<int> rates{60000, 120000, 140000, 160000, 180000, 200000, 220000, 240000};
  std::vector<int> srtp_rates{60000, 120000, 180000, 240000};
  std::vector<relay_kind> relays{relay_kind::gatehouse, relay_kind::rtpengine};
  std::vector<media_mode> modes{media_mode::rtp, media_mode::srtp};
  std::vector<media_mode> latency{media_mode::rtp};  // modes that get a run at 80% of the maximum
  int relay_cpu = 0, load_cpu = 1;
  std::size_t sockets = 8;
  int nice = -10;
};

std::optional<std::string> env(char const* key) {
  char const* v = std::getenv(key);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

std::vector<std::string> words(std::string const& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

int to_int(std::string const& s, char const* key) {
  try {
    std::size_t used = 0;
    int const v = std::stoi(s, &used);
    if (used == s.size()) return v;
  } catch (std::exception const&) {}
  throw std::runtime_error(std::string(key) + ": not a number: " + s);
}

std::vector<int> rates_from(std::string const& s, char const* key) {
  std::vector<int> out;
  for (auto const& w : words(s)) {
    int const r = to_int(w, key);
    if (r < per_stream) throw std::runtime_error(std::string(key) + ": rate below 100: " + w);
    out.push_back(r / per_stream * per_stream);
  }
  std::sort(out.begin(), out.end());
  return out;
}

config read_config() {
  config c;
  if (auto v = env("RELAY_BENCH_SECONDS"))
    c.seconds = std::max(2, to_int(*v, "RELAY_BENCH_SECONDS"));
  if (auto v = env("RELAY_BENCH_RATES")) c.rates = rates_from(*v, "RELAY_BENCH_RATES");
  if (auto v = env("RELAY_BENCH_SRTP_RATES"))
    c.srtp_rates = rates_from(*v, "RELAY_BENCH_SRTP_RATES");
  if (auto v = env("RELAY_BENCH_RELAYS")) {
    c.relays.clear();
    for (auto const& w : words(*v)) {
      if (w == "gatehouse")
        c.relays.push_back(relay_kind::gatehouse);
      else if (w == "rtpengine")
        c.relays.push_back(relay_kind::rtpengine);
      else
        throw std::runtime_error("RELAY_BENCH_RELAYS: gatehouse or rtpengine, not " + w);
    }
  }
  if (auto v = env("RELAY_BENCH_MODES")) {
    c.modes.clear();
    for (auto const& w : words(*v)) {
      if (w == "rtp")
        c.modes.push_back(media_mode::rtp);
      else if (w == "srtp")
        c.modes.push_back(media_mode::srtp);
      else
        throw std::runtime_error("RELAY_BENCH_MODES: rtp or srtp, not " + w);
    }
  }
  if (auto v = env("RELAY_BENCH_LATENCY")) {
    if (*v == "rtp")
      c.latency = {media_mode::rtp};
    else if (*v == "all")
      c.latency = {media_mode::rtp, media_mode::srtp};
    else if (*v == "none" || *v == "0")
      c.latency.clear();
    else
      throw std::runtime_error("RELAY_BENCH_LATENCY: rtp, all or none, not " + *v);
  }
  if (auto v = env("RELAY_BENCH_RELAY_CPU")) c.relay_cpu = to_int(*v, "RELAY_BENCH_RELAY_CPU");
  if (auto v = env("RELAY_BENCH_LOAD_CPU")) c.load_cpu = to_int(*v, "RELAY_BENCH_LOAD_CPU");
  if (auto v = env("RELAY_BENCH_NICE")) c.nice = to_int(*v, "RELAY_BENCH_NICE");
  if (auto v = env("RELAY_BENCH_SOCKETS"))
    c.sockets = std::size_t(std::max(1, to_int(*v, "RELAY_BENCH_SOCKETS")));
  return c;
}

media::ip_address ip(char const* text) {
  return *media::parse_ip(text);
}

// Pins the calling thread (threads it starts afterwards inherit it).
void pin_thread(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0)
    throw std::runtime_error("cannot pin to CPU " + std::to_string(cpu));
}

double clock_seconds(clockid_t clock) {
  timespec ts;
  ::clock_gettime(clock, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// What the relay and the load cost over the sending time, and whether anything else competed
// with them: per-CPU busy time from /proc/stat (this counts the kernel's packet work, which the
// scheduler does not always charge to a thread), and each task's run and run-queue wait times from
// /proc/<pid>/task/<tid>/schedstat.
struct probe {
  std::vector<std::string> relay_tasks;  // schedstat files of the relay's threads
  std::string load_task;                 // the load thread's
  int relay_cpu = -1, load_cpu = -1;

  probe(std::vector<std::string> relay, std::string load, int relay_on, int load_on)
      : relay_tasks(std::move(relay)),
        load_task(std::move(load)),
        relay_cpu(relay_on),
        load_cpu(load_on) {}

  struct sample {
    double wall = 0;
    std::vector<double> cpu_idle;                  // seconds, per CPU
    std::vector<std::pair<double, double>> relay;  // run and wait seconds, per relay thread
    double load_run = 0, load_wait = 0;
  };
  sample start, stop;

  /// The schedstat files of every thread of `pid`.
  static std::vector<std::string> tasks_of(pid_t pid) {
    std::vector<std::string> out;
    std::error_code ec;
    auto const dir = std::filesystem::path("/proc") / std::to_string(pid) / "task";
    for (auto const& e : std::filesystem::directory_iterator(dir, ec))
      out.push_back((e.path() / "schedstat").string());
    return out;
  }

  static std::pair<double, double> run_wait(std::string const& path) {
    std::ifstream in(path);
    double run = 0, wait = 0;
    in >> run >> wait;
    return {run / 1e9, wait / 1e9};
  }

  sample take() const {
    sample x;
    x.wall = clock_seconds(CLOCK_MONOTONIC);
    std::ifstream in("/proc/stat");
    double const tick = double(::sysconf(_SC_CLK_TCK));
    for (std::string line; std::getline(in, line);) {
      if (!line.starts_with("cpu") || line.size() < 4 || line[3] == ' ') continue;
      std::istringstream f(line.substr(3));
      std::size_t cpu = 0;
      f >> cpu;
      std::array<double, 8> v{};  // user nice system idle iowait irq softirq steal
      for (auto& t : v) f >> t;
      if (x.cpu_idle.size() <= cpu) x.cpu_idle.resize(cpu + 1);
      // Idle time is measured precisely (the tickless idle accounting); the busy fields are
      // sampled on ticks, which overcount a CPU that sleeps and wakes thousands of times a
      // second. Busy time is what is not idle.
      x.cpu_idle[cpu] = (v[3] + v[4]) / tick;
    }
    for (auto const& t : relay_tasks) x.relay.push_back(run_wait(t));
    std::tie(x.load_run, x.load_wait) = run_wait(load_task);
    return x;
  }

  void mark(bool starting) { (starting ? start : stop) = take(); }

  double seconds() const { return stop.wall - start.wall; }
  double busy(int cpu) const {
    if (cpu < 0 || std::size_t(cpu) >= stop.cpu_idle.size() || seconds() <= 0) return 0;
    double const idle = stop.cpu_idle[std::size_t(cpu)] - start.cpu_idle[std::size_t(cpu)];
    return std::clamp(1 - idle / seconds(), 0.0, 1.0);
  }
};

// Packets dropped because a receive buffer was full, summed over the UDP sockets bound to
// `address` (/proc/net/udp's last column): where a relay that does not read its sockets in time
// loses them.
std::uint64_t udp_drops_on(media::ip_address const& address) {
  std::uint32_t raw = 0;  // printed as the in-memory 32-bit value
  std::memcpy(&raw, address.bytes.data(), 4);
  char want[16];
  std::snprintf(want, sizeof want, "%08X:", raw);
  std::ifstream in("/proc/net/udp");
  std::uint64_t drops = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string slot, local, field, last;
    f >> slot >> local;
    if (!local.starts_with(want)) continue;
    while (f >> field) last = field;
    drops += std::strtoull(last.c_str(), nullptr, 10);
  }
  return drops;
}

// One rate, as run.
struct step {
  int asked = 0;
  bench::load_result load;
  double relay_cpu = 0;           // the relay's threads: CPU seconds per second of sending
  double relay_core = 0;          // its CPU's busy time per second, kernel packet work included
  double load_core = 0;           // the load CPU's
  double waited = 0;              // seconds per second the relay's and load's threads waited to run
  std::uint64_t relay_drops = 0;  // lost in full receive buffers of the relay's sockets
  int runs = 1;                   // more than 1: run again because another process competed
  bool passed = false;
  bool load_bound = false;  // the load could not keep its schedule: the step says nothing
  std::string why;          // why it did not pass
  std::string relay_note;   // what the relay itself counted, when it says
};

struct measurement {
  relay_kind relay{};
  media_mode mode{};
  std::vector<step> steps;
  int best = 0;                  // highest passing rate asked
  bool top_of_range = false;     // every rate passed: the maximum is higher
  bool stopped_by_load = false;  // the load, not the relay, ended the search
  std::optional<step> at_80;
  std::string error;  // could not be measured at all
};

void account(step& s, probe const& p) {
  double const t = p.seconds();
  if (t <= 0) return;
  // The relay's CPU is all its threads'; its wait is that of its busiest thread (rtpengine's
  // other threads wait behind its media thread on the same CPU: that is not interference).
  double run = 0, busiest = -1, busiest_wait = 0;
  for (std::size_t i = 0; i < p.start.relay.size() && i < p.stop.relay.size(); ++i) {
    double const r = p.stop.relay[i].first - p.start.relay[i].first;
    run += r;
    if (r > busiest) busiest = r, busiest_wait = p.stop.relay[i].second - p.start.relay[i].second;
  }
  s.relay_cpu = run / t;
  s.relay_core = p.busy(p.relay_cpu);
  s.load_core = p.busy(p.load_cpu);
  s.waited = (busiest_wait + p.stop.load_wait - p.start.load_wait) / t;
}

void judge(step& s) {
  auto const& l = s.load;
  double const asked = s.asked;
  // The relay is judged only when the load did its part: sent what was asked and read all that
  // came back in time.
  if (l.sent_rate() < 0.995 * asked || l.send_errors > 0 || l.load_drops > 0) {
    s.load_bound = true;
    std::ostringstream w;
    w << "the load fell short (sent " << long(l.sent_rate()) << "/s, " << l.send_errors
      << " send errors, " << l.load_drops << " lost in its own buffers, lag up to "
      << long(l.max_lag_ms) << " ms)";
    s.why = w.str();
  } else if (l.loss() >= 1e-4) {
    s.why = "loss";
  } else if (l.delivered_rate() < 0.99 * asked) {
    s.why = "delivered short";
  } else if (l.latency_growth_ms() > 5) {
    std::ostringstream w;
    w << "queue growing: median latency rose " << long(l.latency_growth_ms())
      << " ms in the second half";
    s.why = w.str();
  } else if (l.silent > 0) {
    s.why = std::to_string(l.silent) + " stream directions silent";
  } else if (l.undecryptable > 0) {
    s.why = std::to_string(l.undecryptable) + " packets failed SRTP authentication";
  } else {
    s.passed = true;
  }
}

std::optional<media::srtp_key> key(media_mode m) {
  if (m == media_mode::rtp) return std::nullopt;
  return media::srtp_key::generate(media::srtp_suite::aes_cm_128_hmac_sha1_80);
}

// gatehouse: a fresh forwarding worker with one stream per 100 packets/s, each side's remote
// set to the load socket it sends from, as the controller would from the SDP.
step run_gatehouse(config const& c, bench::rtp_load& load, media_mode mode, int rate) {
  std::size_t const n = std::size_t(rate / per_stream);
  step s;
  s.asked = rate;
  pin_thread(c.relay_cpu);  // the worker's thread inherits this
  media::io::worker w(nullptr, 60s);
  pin_thread(c.load_cpu);

  auto sync = [&w] {
    std::promise<void> done;
    asio::post(w.context(), [&] { done.set_value(); });
    done.get_future().get();
  };
  pid_t worker_tid = 0;
  {
    std::promise<pid_t> id;
    asio::post(w.context(), [&] { id.set_value(::gettid()); });
    worker_tid = id.get_future().get();
  }

  auto const relay = ip(gatehouse_ip);
  std::vector<bench::load_stream> streams(n);
  std::atomic<int> failures{0};
  std::string first_failure;
  for (std::size_t i = 0; i < n; ++i) {
    auto const port_a = std::uint16_t(port_min + 2 * i), port_b = std::uint16_t(port_a + 1);
    if (port_b > port_max) throw std::runtime_error("gatehouse: too many streams for the ports");
    media::io::stream_sockets sockets;
    sockets.a = {relay, port_a, std::nullopt};
    sockets.b = {relay, port_b, std::nullopt};
    w.add_stream(i + 1, sockets, [&, port_a](std::error_code ec) {
      if (ec && failures++ == 0)
        first_failure = "binding port " + std::to_string(port_a) + ": " + ec.message();
    });
    auto& st = streams[i];
    st.relay_a = {relay, port_a};
    st.relay_b = {relay, port_b};
    st.a_send = key(mode);
    st.a_receive = key(mode);
    w.update_stream(i + 1, [&, a = load.a_address(i), b = load.b_address(i), a_send = st.a_send,
                            a_receive = st.a_receive](media::relay_stream& r, auto now) {
      r.set_remote(0, a, std::nullopt, true, now, 0ms);
      r.set_remote(1, b, std::nullopt, true, now, 0ms);
      if (auto ec = r.set_keys(0, a_send, a_receive); ec && failures++ == 0)
        first_failure = "SRTP keys: " + ec.message();
    });
  }
  sync();
  if (failures > 0) throw std::runtime_error("gatehouse: stream set-up failed: " + first_failure);

  probe p{{"/proc/self/task/" + std::to_string(worker_tid) + "/schedstat"},
          "/proc/self/task/" + std::to_string(::gettid()) + "/schedstat",
          c.relay_cpu,
          c.load_cpu};
  auto const drops_before = udp_drops_on(relay);
  s.load = load.run(streams, std::chrono::seconds(c.seconds), drain,
                    [&](bool starting) { p.mark(starting); });
  s.relay_drops = udp_drops_on(relay) - drops_before;
  account(s, p);

  // What the relay counted: every packet it took in is relayed or dropped for a reason.
  std::uint64_t relayed = 0;
  std::array<std::uint64_t, std::size_t(media::drop_reason::count_)> dropped{};
  for (std::size_t i = 0; i < n; ++i)
    w.report(i + 1, [&](std::optional<media::io::stream_report> r) {
      if (!r) return;
      relayed += r->a.packets + r->b.packets;
      for (std::size_t k = 0; k < dropped.size(); ++k)
        dropped[k] += r->a.dropped[k] + r->b.dropped[k];
    });
  sync();
  std::uint64_t all_dropped = 0;
  for (auto d : dropped) all_dropped += d;
  if (all_dropped > 0) {
    std::ostringstream note;
    note << "gatehouse relayed " << relayed << " and dropped " << all_dropped << " (by reason:";
    for (auto d : dropped) note << ' ' << d;
    note << ")";
    s.relay_note = note.str();
  }
  judge(s);
  return s;
}

// rtpengine's SDP for one side: where that side must send, and (SRTP) the key it sends with.
struct answered_side {
  media::socket_address to;
  std::optional<media::srtp_key> key;
};

answered_side read_sdp(std::string const& sdp) {
  std::error_code ec;
  auto const d = media::session_description::parse(sdp, ec);
  if (ec || d.media().empty()) throw std::runtime_error("rtpengine: unreadable SDP:\n" + sdp);
  auto const& m = d.media()[0];
  auto const conn = d.effective_connection(m);
  auto const addr = conn ? media::parse_ip(conn->address) : std::nullopt;
  if (!addr) throw std::runtime_error("rtpengine: SDP without a usable c= line:\n" + sdp);
  answered_side side{{*addr, m.port()}, std::nullopt};
  for (auto const& crypto : m.cryptos(ec)) {
    media::srtp_suite suite;
    if (media::parse_suite(crypto.suite, suite) ||
        suite != media::srtp_suite::aes_cm_128_hmac_sha1_80)
      continue;
    media::srtp_key k;
    if (!media::parse_key_params(suite, crypto.key_params, k)) {
      side.key = k;
      break;
    }
  }
  return side;
}

std::string make_sdp(media::socket_address const& from, std::optional<media::srtp_key> const& k) {
  auto const a = media::to_string(from.ip);
  std::string s = "v=0\r\no=- 1 1 IN IP4 " + a + "\r\ns=-\r\nc=IN IP4 " + a + "\r\nt=0 0\r\n";
  s += "m=audio " + std::to_string(from.port) + (k ? " RTP/SAVP 0\r\n" : " RTP/AVP 0\r\n");
  s += "a=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n";
  if (k) s += "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + k->inline_key() + "\r\n";
  return s;
}

std::map<std::string, std::string> checked(std::map<std::string, std::string> reply,
                                           char const* what) {
  if (!reply.contains("result") || reply.at("result") != "ok") {
    std::string all;
    for (auto const& [k, v] : reply) all += " " + k + "=" + v;
    throw std::runtime_error(std::string("rtpengine refused ") + what + ":" + all);
  }
  return reply;
}

// rtpengine: a fresh daemon; one call per stream, set up with offer (from A) and answer (from
// B); with SRTP, A offers RTP/SAVP with its key and transport-protocol RTP/AVP makes rtpengine
// offer plain RTP to B, then answer A with RTP/SAVP and rtpengine's own key.
step run_rtpengine(config const& c, bench::rtp_load& load, media_mode mode, int rate,
                   std::filesystem::path const& work) {
  std::size_t const n = std::size_t(rate / per_stream);
  step s;
  s.asked = rate;
  if (4 * n > std::size_t(port_max - port_min + 1))
    throw std::runtime_error("rtpengine: too many streams for the ports");
  pin_thread(c.load_cpu);
  media::socket_address const ng{ip(rtpengine_ip), ng_port};
  bench::rtpengine_daemon daemon(
      {rtpengine_ip, ng, port_min, port_max, c.relay_cpu,
       (work / ("rtpengine-" + std::to_string(rate) + ".log")).string()});
  bench::ng_client control(ip(load_a_ip), ng);
  std::vector<bench::load_stream> streams(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string const call = "relay-bench-" + std::to_string(i);
    auto& st = streams[i];
    st.a_send = key(mode);
    bench::ng_dict offer{{"command", std::string("offer")},
                         {"call-id", call},
                         {"from-tag", "a" + std::to_string(i)},
                         {"sdp", make_sdp(load.a_address(i), st.a_send)}};
    if (mode == media_mode::srtp) offer["transport-protocol"] = std::string("RTP/AVP");
    auto const to_b = read_sdp(checked(control.request(offer), "an offer").at("sdp"));
    bench::ng_dict answer{{"command", std::string("answer")},
                          {"call-id", call},
                          {"from-tag", "a" + std::to_string(i)},
                          {"to-tag", "b" + std::to_string(i)},
                          {"sdp", make_sdp(load.b_address(i), std::nullopt)}};
    auto const to_a = read_sdp(checked(control.request(answer), "an answer").at("sdp"));
    st.relay_a = to_a.to;
    st.relay_b = to_b.to;
    if (mode == media_mode::srtp) {
      if (!to_a.key) throw std::runtime_error("rtpengine answered A without an SDES key");
      st.a_receive = to_a.key;
    }
  }

  probe p{probe::tasks_of(daemon.pid()),
          "/proc/self/task/" + std::to_string(::gettid()) + "/schedstat", c.relay_cpu, c.load_cpu};
  auto const drops_before = udp_drops_on(ip(rtpengine_ip));
  s.load = load.run(streams, std::chrono::seconds(c.seconds), drain,
                    [&](bool starting) { p.mark(starting); });
  s.relay_drops = udp_drops_on(ip(rtpengine_ip)) - drops_before;
  account(s, p);
  judge(s);
  return s;
}

void print_row(std::FILE* out, step const& s);

// Waits (30 s at most) until the relay's and the load's CPUs were both at least 90% idle over
// a second: another process's burst of work is over.
void wait_for_quiet(config const& c) {
  probe p{
      {}, "/proc/self/task/" + std::to_string(::gettid()) + "/schedstat", c.relay_cpu, c.load_cpu};
  for (int i = 0; i < 30; ++i) {
    p.mark(true);
    std::this_thread::sleep_for(1s);
    p.mark(false);
    if (p.busy(c.relay_cpu) < 0.1 && p.busy(c.load_cpu) < 0.1) return;
  }
}

// One rate; run again (twice at most) when another process made the relay's or the load's
// threads wait for a CPU more than 5% of the time, since that step measured the other process.
step run_step(config const& c, bench::rtp_load& load, relay_kind relay, media_mode mode, int rate,
              std::filesystem::path const& work) {
  auto const once = [&] {
    return relay == relay_kind::gatehouse ? run_gatehouse(c, load, mode, rate)
                                          : run_rtpengine(c, load, mode, rate, work);
  };
  // Disturbed: our threads waited for a CPU, or something else kept the relay's CPU busy.
  auto const disturbed = [](step const& x) {
    return x.waited > 0.05 || x.relay_core - x.relay_cpu > 0.1;
  };
  step s = once();
  for (int runs = 2; runs <= 3 && disturbed(s); ++runs) {
    print_row(stderr, s);
    std::fprintf(stderr, "           (another process competed: running this rate again)\n");
    wait_for_quiet(c);
    s = once();
    s.runs = runs;
  }
  return s;
}

void print_row(std::FILE* out, step const& s) {
  auto const& l = s.load;
  std::fprintf(out,
               "  %8d %7d %9.0f %11.0f %8.4f %8.0f %8.0f %6.0f%% %6.0f%% %6.0f%% %6.1f%%  %s\n",
               s.asked, s.asked / per_stream, l.sent_rate(), l.delivered_rate(), l.loss() * 100,
               l.latency_us(0.5), l.latency_us(0.99), s.relay_core * 100, s.relay_cpu * 100,
               s.load_core * 100, s.waited * 100, s.passed ? "pass" : s.why.c_str());
  if (!s.relay_note.empty()) std::fprintf(out, "           (%s)\n", s.relay_note.c_str());
  if (s.relay_drops > 0)
    std::fprintf(out, "           (%llu packets overflowed the relay's socket buffers)\n",
                 static_cast<unsigned long long>(s.relay_drops));
  if (s.runs > 1)
    std::fprintf(out, "           (run %d times: another process competed for the CPUs before)\n",
                 s.runs);
}

void print_header(std::FILE* out) {
  std::fprintf(out, "  %8s %7s %9s %11s %8s %8s %8s %7s %7s %7s %7s\n", "asked/s", "streams",
               "sent/s", "delivered/s", "loss %", "p50 us", "p99 us", "r.core", "r.thr", "l.core",
               "waited");
}

measurement measure(config const& c, bench::rtp_load& load, relay_kind relay, media_mode mode,
                    std::filesystem::path const& work) {
  measurement m{relay, mode, {}, 0, false, false, std::nullopt, {}};
  auto const& rates = mode == media_mode::rtp ? c.rates : c.srtp_rates;
  std::fprintf(stderr, "%s, %s, %d s per rate:\n", name(relay), name(mode), c.seconds);
  print_header(stderr);
  try {
    for (int rate : rates) {
      m.steps.push_back(run_step(c, load, relay, mode, rate, work));
      auto const& s = m.steps.back();
      print_row(stderr, s);
      if (!s.passed) {
        m.stopped_by_load = s.load_bound;
        break;
      }
      m.best = rate;
    }
    m.top_of_range = !m.steps.empty() && m.steps.back().passed;
    if (std::ranges::find(c.latency, mode) != c.latency.end() && m.best > 0) {
      int const rate = std::max(per_stream, m.best * 8 / 10 / per_stream * per_stream);
      std::fprintf(stderr, "  latency at 80%% of %d/s:\n", m.best);
      m.at_80 = run_step(c, load, relay, mode, rate, work);
      print_row(stderr, *m.at_80);
    }
  } catch (std::exception const& e) {
    m.error = e.what();
    std::fprintf(stderr, "  %s, %s: %s\n", name(relay), name(mode), e.what());
  }
  return m;
}

// The highest passing rate whose p99 latency stayed under 10 ms: where no standing queue had
// built up yet.
int best_prompt(measurement const& m) {
  int best = 0;
  for (auto const& s : m.steps)
    if (s.passed && s.load.latency_us(0.99) < 10000) best = std::max(best, s.asked);
  return best;
}

std::string figure(measurement const& m) {
  if (!m.error.empty() && m.steps.empty()) return "not measured";
  std::string s =
      (m.top_of_range || m.stopped_by_load ? ">= " : "") + std::to_string(m.best) + "/s";
  if (m.top_of_range) s += " (every rate asked passed)";
  if (m.stopped_by_load) s += " (then the load, not the relay, fell short)";
  return s;
}

}  // namespace

int main() {
  std::filesystem::path work;
  try {
    config const c = read_config();
    unsigned const cpus = std::thread::hardware_concurrency();
    config run = c;
    if (cpus < 2 || std::max(c.relay_cpu, c.load_cpu) >= int(cpus)) {
      std::fprintf(stderr, "relay bench: %u CPUs: not pinning relay and load apart\n", cpus);
      run.relay_cpu = run.load_cpu = -1;
    }
    // The worker threads and rtpengine (forked from this thread) inherit the nice value.
    std::string priority = "nice 0";
    if (run.nice != 0) {
      if (::setpriority(PRIO_PROCESS, 0, run.nice) == 0)
        priority = "nice " + std::to_string(run.nice);
      else
        std::fprintf(stderr, "relay bench: cannot set nice %d (not root?): running at nice 0\n",
                     run.nice);
    }
    // Every relay socket is a descriptor: up to 4 per stream for rtpengine.
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);

    char tmpl[] = "/tmp/relay-bench-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot make a temporary directory");
    work = tmpl;

    bench::rtp_load load({ip(load_a_ip), ip(load_b_ip), run.sockets, 172, 50});
    std::string const rtpengine_version = bench::rtpengine_daemon::version();
    std::vector<measurement> results;
    for (auto mode : run.modes)
      for (auto relay : run.relays) results.push_back(measure(run, load, relay, mode, work));

    auto const find = [&](relay_kind r, media_mode m) -> measurement const* {
      for (auto const& x : results)
        if (x.relay == r && x.mode == m) return &x;
      return nullptr;
    };

    std::printf(
        "\nMedia relay: G.711-sized RTP (12 + 172 bytes), 50 packets/s per stream each way, on "
        "loopback.\nRelay on CPU %d (gatehouse: one forwarding worker; rtpengine %s: "
        "--num-threads=1, userspace),\nload on CPU %d, both at %s; %d s per rate, judged on the "
        "second half; a fresh relay for each rate.\nColumns: rate asked and sent by the load; rate "
        "delivered through the relay in the second half;\nloss over the whole step; latency "
        "through the "
        "relay (median, p99); busy time of the relay's CPU\n(r.core, kernel packet work "
        "included), CPU of the relay's threads (r.thr), busy time of the load's CPU\n(l.core); "
        "time the relay's busiest thread and the load's waited for a CPU (waited). A step\n"
        "another process disturbed (waited above 5%%, or the relay's CPU busier than its threads "
        "by 10%%)\nis run again, twice at most. Shares are of one core.\n",
        run.relay_cpu, rtpengine_version.empty() ? "(not installed)" : rtpengine_version.c_str(),
        run.load_cpu, priority.c_str(), run.seconds);
    for (auto const& m : results) {
      std::printf("\n%s, %s:\n", name(m.relay), name(m.mode));
      print_header(stdout);
      for (auto const& s : m.steps) print_row(stdout, s);
      if (m.at_80) {
        std::printf("  at 80%% of the maximum:\n");
        print_row(stdout, *m.at_80);
      }
      if (!m.error.empty()) std::printf("  error: %s\n", m.error.c_str());
    }

    std::printf("\nForwarded packets per second at < 0.01%% loss, one relay core:\n");
    for (auto mode : run.modes) {
      std::printf("  %s:\n", name(mode));
      for (auto relay : run.relays)
        if (auto const* m = find(relay, mode))
          std::printf("    %-10s %s\n", name(relay), figure(*m).c_str());
      auto const* g = find(relay_kind::gatehouse, mode);
      auto const* r = find(relay_kind::rtpengine, mode);
      if (!g || !r || g->best == 0 || r->best == 0) continue;
      bool const g_bound = g->top_of_range || g->stopped_by_load;
      bool const r_bound = r->top_of_range || r->stopped_by_load;
      char const* target = mode == media_mode::rtp ? " (target: >= 1.5x)" : "";
      double const ratio = double(g->best) / double(r->best);
      if (g_bound && r_bound)
        std::printf(
            "    ratio      not measured: neither relay failed before the rates or the load ran "
            "out%s\n",
            target);
      else
        std::printf("    ratio      %s%.2fx gatehouse/rtpengine%s\n",
                    g_bound   ? ">= "
                    : r_bound ? "<= "
                              : "",
                    ratio, target);
      int const gp = best_prompt(*g), rp = best_prompt(*r);
      std::printf(
          "    highest of those rates with p99 latency under 10 ms: gatehouse %d/s, "
          "rtpengine %d/s",
          gp, rp);
      if (gp > 0 && rp > 0) std::printf(" (%.2fx)", double(gp) / double(rp));
      std::printf("\n");
    }
    if (!run.latency.empty()) {
      std::printf(
          "\nLatency through the relay at 80%% of its maximum (loopback: includes the kernel "
          "path both ways):\n");
      for (auto mode : run.modes)
        for (auto relay : run.relays)
          if (auto const* m = find(relay, mode); m && m->at_80)
            std::printf("  %-10s %-38s at %6d/s: median %7.0f us, p99 %7.0f us\n", name(relay),
                        name(mode), m->at_80->asked, m->at_80->load.latency_us(0.5),
                        m->at_80->load.latency_us(0.99));
    }
    // Cost per packet at the highest rate both passed below 90% busy: what each relay's core
    // spends, whatever the load could offer beyond.
    std::printf(
        "\nRelay core time per forwarded packet, at the highest rate both relays passed with "
        "their core\nbelow 90%% busy (what one core can forward, extrapolated: 1 / that time):\n");
    for (auto mode : run.modes) {
      auto const* g = find(relay_kind::gatehouse, mode);
      auto const* r = find(relay_kind::rtpengine, mode);
      if (!g || !r) continue;
      step const* gs = nullptr;
      step const* rs = nullptr;
      for (auto const& a : g->steps)
        for (auto const& b : r->steps)
          if (a.passed && b.passed && a.asked == b.asked && a.relay_core < 0.9 &&
              b.relay_core < 0.9)
            gs = &a, rs = &b;
      if (!gs) continue;
      double const gu = gs->relay_core * 1e6 / gs->asked, ru = rs->relay_core * 1e6 / rs->asked;
      std::printf(
          "  %s, at %d/s:\n    gatehouse %.2f us (%.0f/s per core), rtpengine %.2f us "
          "(%.0f/s per core): %.2fx\n",
          name(mode), gs->asked, gu, 1e6 / gu, ru, 1e6 / ru, gu > 0 ? ru / gu : 0.0);
    }
  } catch (std::exception const& e) {
    std::fprintf(stderr, "relay bench: %s\n", e.what());
    if (!work.empty()) std::filesystem::remove_all(work);
    return 1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(work, ignored);
  return 0;
}
