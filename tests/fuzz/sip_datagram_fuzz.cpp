// Fuzz target: one UDP datagram into the SIP parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sip_exercise.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
  using namespace gatehouse;
  sip::message m;
  std::string_view const bytes(reinterpret_cast<char const*>(data), size);
  auto const err = sip::parse_datagram(bytes, m);
  if (err) {
    (void)err.describe();
    return 0;
  }
  fuzz::exercise_typed(m);
  fuzz::check_round_trip(m);
  return 0;
}
