#include "nat/address.hpp"

namespace gatehouse::nat {

namespace {

address_class classify_v4(std::uint8_t const* b) noexcept {
  if (b[0] == 0) return address_class::unspecified;  // 0.0.0.0/8 "this network"
  if (b[0] == 127) return address_class::loopback;
  if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168))
    return address_class::private_net;
  if (b[0] == 100 && (b[1] & 0xc0) == 64) return address_class::shared;
  if (b[0] == 169 && b[1] == 254) return address_class::link_local;
  if ((b[0] & 0xf0) == 224) return address_class::multicast;
  return address_class::public_net;
}

}  // namespace

address_class classify(ip_address const& a) noexcept {
  auto const& b = a.bytes;
  if (!a.v6) return classify_v4(b.data());
  bool const first_ten_zero = [&] {
    for (int i = 0; i < 10; ++i)
      if (b[std::size_t(i)] != 0) return false;
    return true;
  }();
  if (first_ten_zero && b[10] == 0xff && b[11] == 0xff) return classify_v4(b.data() + 12);
  bool all_zero = first_ten_zero;
  for (int i = 10; i < 15; ++i) all_zero = all_zero && b[std::size_t(i)] == 0;
  if (all_zero && b[15] == 0) return address_class::unspecified;
  if (all_zero && b[15] == 1) return address_class::loopback;
  if ((b[0] & 0xfe) == 0xfc) return address_class::private_net;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return address_class::link_local;
  if (b[0] == 0xff) return address_class::multicast;
  return address_class::public_net;
}

bool is_non_routable(address_class c) noexcept {
  return c == address_class::private_net || c == address_class::shared ||
         c == address_class::link_local || c == address_class::loopback;
}

}  // namespace gatehouse::nat
