#include "media/error.hpp"

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through operator<<
#include <set>
#include <string>

namespace media = gatehouse::media;

TEST_CASE("media errc: every code has its own message in the gatehouse.media category") {
  std::set<std::string> messages;
  for (int e = static_cast<int>(media::errc::too_large);
       e <= static_cast<int>(media::errc::malformed_group); ++e) {
    std::error_code const ec = static_cast<media::errc>(e);
    CHECK(ec.category().name() == std::string("gatehouse.media"));
    CHECK(ec.message() != "unknown media error");
    messages.insert(ec.message());
  }
  CHECK(messages.size() == static_cast<std::size_t>(media::errc::malformed_group));
  CHECK(std::error_code(media::errc::missing_origin).message() == "missing o= line");
  CHECK(std::error_code(media::errc::too_large).message() == "SDP too large");
  CHECK(std::error_code(media::errc::malformed_media).message() == "malformed m= line");
}
