// The media port pool: pairs, rtcp-mux singles, quarantine, exhaustion, round robin.
#include <doctest/doctest.h>

#include <set>

#include "media/port_pool.hpp"

using namespace gatehouse::media;
using namespace std::chrono_literals;

TEST_CASE("port pool: pairs are even/odd and never handed out twice") {
  port_pool pool(30001, 30100, 0ms);  // rounds up to 30002
  auto const t = time_point{} + 1s;
  CHECK(pool.size() == 99);
  std::set<std::uint16_t> seen;
  while (auto p = pool.acquire_pair(t)) {
    CHECK(*p % 2 == 0);
    CHECK(*p >= 30002);
    CHECK(*p + 1 <= 30100);
    CHECK(seen.insert(*p).second);
  }
  CHECK(seen.size() == 49);  // 30002..30099 in pairs; 30100 alone is left
  CHECK(pool.free_ports(t) == 1);
  CHECK(!pool.acquire_pair(t));            // exhausted is an answer, not a crash
  CHECK(pool.acquire_single(t) == 30100);  // a lone port still serves rtcp-mux
  CHECK(!pool.acquire_single(t));
}

TEST_CASE("port pool: released ports rest in quarantine before reuse") {
  port_pool pool(40000, 40003, 2000ms);
  auto const t0 = time_point{} + 10s;
  auto const a = pool.acquire_pair(t0);
  auto const b = pool.acquire_pair(t0);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(!pool.acquire_pair(t0));
  pool.release_pair(*a, t0);
  CHECK(pool.free_ports(t0 + 1999ms) == 0);
  CHECK(!pool.acquire_pair(t0 + 1999ms));
  CHECK(pool.acquire_pair(t0 + 2000ms) == a);
  // A double release is ignored, not counted twice.
  pool.release_pair(*b, t0 + 3s);
  pool.release_pair(*b, t0 + 3s);
  CHECK(pool.free_ports(t0 + 10s) == 2);
}

TEST_CASE("port pool: round robin hands a released pair out last") {
  port_pool pool(50000, 50009, 0ms);
  auto const t = time_point{} + 1s;
  auto const first = pool.acquire_pair(t);
  pool.release_pair(*first, t);
  for (int i = 0; i < 4; ++i) CHECK(pool.acquire_pair(t) != first);
  CHECK(pool.acquire_pair(t) == first);
}

TEST_CASE("port pool: rtcp-mux singles keep pairs whole where they can") {
  port_pool pool(60000, 60007, 0ms);  // pairs 60000, 60002, 60004, 60006
  auto const t = time_point{} + 1s;
  auto const s1 = pool.acquire_single(t);
  auto const s2 = pool.acquire_single(t);
  REQUIRE(s1);
  REQUIRE(s2);
  CHECK((*s1 ^ 1) == *s2);  // the second single takes the first one's neighbour
  int pairs = 0;
  while (pool.acquire_pair(t)) ++pairs;
  CHECK(pairs == 3);
  pool.release_single(*s1, t);
  CHECK(!pool.acquire_pair(t));  // its neighbour is still taken
  CHECK(pool.acquire_single(t) == s1);
}

TEST_CASE("port pool: an empty or inverted range has nothing to give") {
  port_pool pool(5000, 4000, 0ms);
  CHECK(pool.size() == 0);
  CHECK(!pool.acquire_pair(time_point{}));
  CHECK(!pool.acquire_single(time_point{}));
}
