#include "sip/error.hpp"

#include <string>

namespace gatehouse::sip {
namespace {

class category final : public std::error_category {
 public:
  char const* name() const noexcept override { return "gatehouse.sip"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::need_more:
        return "need more bytes";
      case errc::keepalive:
        return "keepalive";
      case errc::message_too_large:
        return "message too large";
      case errc::too_many_headers:
        return "too many header fields";
      case errc::line_too_long:
        return "header line too long";
      case errc::bad_start_line:
        return "malformed start line";
      case errc::bad_method:
        return "malformed method";
      case errc::bad_request_uri:
        return "malformed Request-URI";
      case errc::bad_version:
        return "unsupported SIP version";
      case errc::bad_status_code:
        return "malformed status code";
      case errc::bad_header_line:
        return "malformed header line";
      case errc::bad_header_name:
        return "malformed header name";
      case errc::bad_header_value:
        return "malformed header value";
      case errc::missing_header:
        return "missing mandatory header";
      case errc::duplicate_header:
        return "header may appear only once";
      case errc::bad_content_length:
        return "malformed Content-Length";
      case errc::missing_content_length:
        return "Content-Length required on a stream";
      case errc::body_truncated:
        return "body shorter than Content-Length";
      case errc::cseq_method_mismatch:
        return "CSeq method does not match the request method";
      case errc::value_out_of_range:
        return "value out of range";
      case errc::too_deeply_nested:
        return "nesting too deep";
      case errc::bad_uri:
        return "malformed URI";
      case errc::unsupported_uri_scheme:
        return "unsupported URI scheme";
      case errc::bad_escape:
        return "malformed %-escape";
    }
    return "unknown sip error";
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

int reply_status(std::error_code ec) noexcept {
  if (ec.category() != error_category()) return 0;
  switch (static_cast<errc>(ec.value())) {
    case errc::need_more:
    case errc::keepalive:
      return 0;
    case errc::message_too_large:
      return 513;  // RFC 3261 §21.5.14
    case errc::bad_version:
      return 505;  // RFC 3261 §21.5.9
    case errc::unsupported_uri_scheme:
      return 416;  // RFC 3261 §21.4.14
    default:
      return 400;  // RFC 3261 §21.4.1
  }
}

std::string_view reply_reason(std::error_code ec) noexcept {
  switch (reply_status(ec)) {
    case 400:
      return "Bad Request";
    case 416:
      return "Unsupported URI Scheme";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    default:
      return "";
  }
}

}  // namespace gatehouse::sip
