#include "media/interface.hpp"

#include <algorithm>
#include <utility>

namespace gatehouse::media {
namespace {

class category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.media.interface"; }

  std::string message(int ev) const override {
    switch (static_cast<interface_errc>(ev)) {
      case interface_errc::bad_bind_address:
        return "bind address is not an IP address";
      case interface_errc::bad_advertised_address:
        return "advertised address is not an IP address";
      case interface_errc::unspecified_advertised_address:
        return "advertised address is unspecified (0.0.0.0 or ::)";
      case interface_errc::address_family_mismatch:
        return "bind and advertised addresses are of different IP versions";
      case interface_errc::empty_port_range:
        return "port range holds no RTP/RTCP pair";
    }
    return "unknown interface error";
  }
};

}  // namespace

std::error_category const& interface_category() noexcept {
  static category const instance;
  return instance;
}

std::error_code make_error_code(interface_errc e) noexcept {
  return {static_cast<int>(e), interface_category()};
}

bool is_unspecified(ip_address const& a) noexcept {
  auto const n = a.v6 ? a.bytes.size() : std::size_t(4);
  return std::all_of(a.bytes.begin(), a.bytes.begin() + std::ptrdiff_t(n),
                     [](std::uint8_t b) { return b == 0; });
}

std::error_code make_interface(std::string name, std::string_view bind, std::string_view advertised,
                               std::uint16_t first_port, std::uint16_t last_port,
                               std::chrono::milliseconds quarantine,
                               std::optional<media_interface>& out) {
  auto const bound = parse_ip(bind);
  if (!bound) return interface_errc::bad_bind_address;
  auto const public_address = advertised.empty() ? bound : parse_ip(advertised);
  if (!public_address) return interface_errc::bad_advertised_address;
  if (public_address->v6 != bound->v6) return interface_errc::address_family_mismatch;
  if (is_unspecified(*public_address)) return interface_errc::unspecified_advertised_address;
  // RFC 3550 §11: RTP on an even port, RTCP on the next; the pool rounds `first` up to even.
  std::uint32_t const first_even = first_port + (first_port & 1u);
  if (first_port == 0 || first_even + 1 > last_port) return interface_errc::empty_port_range;
  out.emplace(media_interface{std::move(name), *bound, *public_address,
                              port_pool(first_port, last_port, quarantine)});
  return {};
}

}  // namespace gatehouse::media
