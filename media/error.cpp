#include "media/error.hpp"

#include <string>

namespace gatehouse::media {
namespace {

class category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.media"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::too_large:
        return "SDP too large";
      case errc::too_many_lines:
        return "too many SDP lines";
      case errc::too_many_media:
        return "too many m= sections";
      case errc::malformed_line:
        return "SDP line not of the form x=value";
      case errc::missing_version:
        return "missing v= line";
      case errc::bad_version:
        return "unsupported SDP version";
      case errc::missing_origin:
        return "missing o= line";
      case errc::missing_session_name:
        return "missing s= line";
      case errc::unexpected_line:
        return "repeated or misplaced v=, o= or s= line";
      case errc::malformed_origin:
        return "malformed o= line";
      case errc::malformed_connection:
        return "malformed c= line";
      case errc::malformed_media:
        return "malformed m= line";
      case errc::invalid_port:
        return "port out of range";
      case errc::malformed_bandwidth:
        return "malformed b= line";
      case errc::malformed_timing:
        return "malformed t= line";
      case errc::malformed_rtpmap:
        return "malformed a=rtpmap";
      case errc::malformed_fmtp:
        return "malformed a=fmtp";
      case errc::malformed_ptime:
        return "malformed a=ptime";
      case errc::malformed_rtcp:
        return "malformed a=rtcp";
      case errc::malformed_crypto:
        return "malformed a=crypto";
      case errc::malformed_ice_ufrag:
        return "malformed a=ice-ufrag";
      case errc::malformed_ice_pwd:
        return "malformed a=ice-pwd";
      case errc::malformed_candidate:
        return "malformed a=candidate";
      case errc::malformed_fingerprint:
        return "malformed a=fingerprint";
      case errc::malformed_setup:
        return "malformed a=setup";
      case errc::malformed_mid:
        return "malformed a=mid";
      case errc::malformed_group:
        return "malformed a=group";
    }
    return "unknown media error";
  }
};

}  // namespace

std::error_category const& error_category() noexcept {
  static category const instance;
  return instance;
}

std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace gatehouse::media
