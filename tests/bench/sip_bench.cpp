// SIP wire-format benchmark: parse and write a typical INVITE with a two-stream SDP body.
// Reference in the same run: GNU oSIP 5 (libosip2, Debian's), parsing and writing the same bytes.
// Also counts heap allocations per message (operator new is counted in this binary).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <sstream>
#include <string>

extern "C" {
#include <osipparser2/osip_parser.h>
}

#include "sip/parser.hpp"

namespace {

std::atomic<std::size_t> allocations{0};

std::string const& invite() {
  static std::string const bytes = [] {
    std::ifstream in(std::filesystem::path(GATEHOUSE_TEST_DATA) / "sip/invite.msg",
                     std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  return bytes;
}

// allocs_before: the allocation count before the loop, or -1 for oSIP, whose C malloc calls
// this binary cannot count.
void set_counters(benchmark::State& state, long allocs_before) {
  state.counters["msg/s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
  if (allocs_before >= 0)
    state.counters["allocs/msg"] = double(long(allocations.load()) - allocs_before) /
                                   double(std::max<std::int64_t>(state.iterations(), 1));
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(invite().size()));
}

void gatehouse_parse(benchmark::State& state) {
  gatehouse::sip::message m;
  if (gatehouse::sip::parse_datagram(invite(), m)) state.SkipWithError("parse failed");
  long const before = long(allocations.load());
  for (auto _ : state) {
    auto err = gatehouse::sip::parse_datagram(invite(), m);
    benchmark::DoNotOptimize(err);
    benchmark::DoNotOptimize(m);
  }
  set_counters(state, before);
}

void gatehouse_write(benchmark::State& state) {
  gatehouse::sip::message m;
  if (gatehouse::sip::parse_datagram(invite(), m)) state.SkipWithError("parse failed");
  std::string out;
  m.write(out);
  long const before = long(allocations.load());
  for (auto _ : state) {
    out.clear();
    m.write(out);
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, before);
}

void gatehouse_stream_parse(benchmark::State& state) {
  gatehouse::sip::stream_parser p;
  std::error_code ec;
  long const before = long(allocations.load());
  for (auto _ : state) {
    p.put(invite(), ec);
    benchmark::DoNotOptimize(p.get());
  }
  if (ec) state.SkipWithError("stream parse failed");
  set_counters(state, before);
}

void osip_parse(benchmark::State& state) {
  for (auto _ : state) {
    osip_message_t* msg = nullptr;
    osip_message_init(&msg);
    if (osip_message_parse(msg, invite().data(), invite().size()) != 0)
      state.SkipWithError("osip parse failed");
    benchmark::DoNotOptimize(msg);
    osip_message_free(msg);
  }
  set_counters(state, -1);
}

void osip_write(benchmark::State& state) {
  osip_message_t* msg = nullptr;
  osip_message_init(&msg);
  if (osip_message_parse(msg, invite().data(), invite().size()) != 0)
    state.SkipWithError("osip parse failed");
  for (auto _ : state) {
    char* out = nullptr;
    std::size_t len = 0;
    // oSIP caches the text of a parsed message; mark it dirty so it is really written.
    osip_message_force_update(msg);
    osip_message_to_str(msg, &out, &len);
    benchmark::DoNotOptimize(out);
    osip_free(out);
  }
  osip_message_free(msg);
  set_counters(state, -1);
}

BENCHMARK(gatehouse_parse);
BENCHMARK(osip_parse);
BENCHMARK(gatehouse_write);
BENCHMARK(osip_write);
BENCHMARK(gatehouse_stream_parse);

// Collects each run's msg/s for the summary printed after the table.
class summary_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(std::vector<Run> const& runs) override {
    for (auto const& r : runs) {
      auto const it = r.counters.find("msg/s");
      if (it != r.counters.end()) rates[r.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
};

}  // namespace

void* operator new(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

int main(int argc, char** argv) {
  parser_init();
  benchmark::Initialize(&argc, argv);
  summary_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto const rate = [&](char const* name) { return reporter.rates[name]; };
  std::printf("\nSIP INVITE (%zu bytes, two-stream SDP), one core:\n", invite().size());
  std::printf("  parse: %10.0f msg/s  (%.2fx GNU oSIP's %.0f msg/s)\n", rate("gatehouse_parse"),
              rate("gatehouse_parse") / rate("osip_parse"), rate("osip_parse"));
  std::printf("  write: %10.0f msg/s  (%.2fx GNU oSIP's %.0f msg/s)\n", rate("gatehouse_write"),
              rate("gatehouse_write") / rate("osip_write"), rate("osip_write"));
  std::printf("  stream parse: %10.0f msg/s\n", rate("gatehouse_stream_parse"));
  benchmark::Shutdown();
  return 0;
}
