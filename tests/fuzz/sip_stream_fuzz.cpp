// Fuzz target: a TCP/TLS byte stream into the incremental SIP parser. The first byte picks a
// chunk size; the result must not depend on how the stream is cut.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sip_exercise.hpp"

namespace {

std::vector<std::string> run(std::string_view bytes, std::size_t chunk) {
  using namespace gatehouse;
  sip::stream_parser p;
  std::vector<std::string> events;
  std::error_code ec;
  while (!bytes.empty()) {
    std::string_view const piece = bytes.substr(0, chunk);
    std::string_view rest = piece;
    while (!rest.empty()) {
      std::size_t const used = p.put(rest, ec);
      fuzz::require(used <= rest.size());
      rest.remove_prefix(used);
      if (ec == sip::errc::need_more) {
        fuzz::require(rest.empty());
      } else if (!ec) {
        fuzz::exercise_typed(p.get());
        fuzz::check_round_trip(p.get());
        events.push_back(p.get().to_string());
      } else if (ec == sip::errc::keepalive) {
        events.emplace_back("ping");
      } else {
        events.push_back("error " + p.error().describe());
        return events;
      }
    }
    bytes.remove_prefix(piece.size());
  }
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  if (size < 1) return 0;
  std::size_t const chunk = 1 + data[0] % 64;
  std::string_view const bytes(reinterpret_cast<char const*>(data + 1), size - 1);
  gatehouse::fuzz::require(run(bytes, chunk) == run(bytes, bytes.size() + 1));
  return 0;
}
