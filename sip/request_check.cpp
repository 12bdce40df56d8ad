#include "sip/request_check.hpp"

#include <algorithm>

namespace gatehouse::sip {

namespace {

constexpr std::string_view known_methods[] = {"INVITE",    "ACK",    "CANCEL",  "BYE",    "OPTIONS",
                                              "REGISTER",  "INFO",   "UPDATE",  "PRACK",  "REFER",
                                              "SUBSCRIBE", "NOTIFY", "MESSAGE", "PUBLISH"};

bool contains(std::vector<std::string> const& list, std::string_view item, bool fold) {
  return std::any_of(list.begin(), list.end(),
                     [&](std::string const& s) { return fold ? iequals(s, item) : s == item; });
}

std::string join(std::vector<std::string> const& items) {
  std::string out;
  for (auto const& s : items) {
    if (!out.empty()) out.append(", ");
    out.append(s);
  }
  return out;
}

bool accepts(std::string_view accept, std::vector<std::string> const& types) {
  bool ok = false;
  (void)for_each_media_range(accept, [&](media_type const& m) -> std::error_code {
    for (auto const& t : types) {
      auto const slash = t.find('/');
      std::string_view const type = std::string_view(t).substr(0, slash);
      std::string_view const sub = std::string_view(t).substr(slash + 1);
      if ((m.type == "*" && m.subtype == "*") ||
          (iequals(m.type, type) && (m.subtype == "*" || iequals(m.subtype, sub))))
        ok = true;
    }
    return {};
  });
  return ok;
}

}  // namespace

bool is_known_method(std::string_view method) noexcept {
  return std::find(std::begin(known_methods), std::end(known_methods), method) !=
         std::end(known_methods);
}

std::optional<message> check_request(message const& request, request_policy const& policy,
                                     std::string_view to_tag) {
  std::string_view const method = request.method();
  if (method == "ACK" || method == "CANCEL") return std::nullopt;

  // §8.2.1: method inspection.
  if (!contains(policy.allowed, method, false)) {
    if (!is_known_method(method)) return make_response(request, 501, "Not Implemented", to_tag);
    message r = make_response(request, 405, "Method Not Allowed", to_tag);
    r.add_header(header_id::allow, join(policy.allowed));
    return r;
  }
  // §8.2.2.1: the Request-URI scheme.
  uri u;
  if (request.request_uri(u) ||
      (u.scheme != uri_scheme::sip && u.scheme != uri_scheme::sips && u.scheme != uri_scheme::tel))
    return make_response(request, 416, "Unsupported URI Scheme", to_tag);
  // §8.2.2.3: Require.
  std::vector<std::string> unsupported;
  request.for_each(header_id::require, [&](std::string_view value) {
    (void)for_each_token(value, [&](std::string_view tag) -> std::error_code {
      if (!contains(policy.supported, tag, true) && !contains(unsupported, tag, true))
        unsupported.emplace_back(tag);
      return {};
    });
  });
  if (!unsupported.empty()) {
    message r = make_response(request, 420, "Bad Extension", to_tag);
    r.add_header(header_id::unsupported, join(unsupported));
    return r;
  }
  // §8.2.3 and §8.2.4 for the requests whose bodies gatehouse reads and answers: INVITE, UPDATE.
  if (method == "INVITE" || method == "UPDATE") {
    if (!request.body().empty()) {
      auto const type = request.content_type();
      bool understood = false;
      if (type) {
        std::string const full = std::string(type->type) + "/" + std::string(type->subtype);
        understood = contains(policy.accepted_bodies, full, true) || type->is("multipart", "mixed");
      }
      if (!understood) {
        message r = make_response(request, 415, "Unsupported Media Type", to_tag);
        r.add_header(header_id::accept, join(policy.accepted_bodies));
        return r;
      }
    }
    if (auto const accept = request.find(header_id::accept);
        accept && !trim(*accept).empty() && !accepts(*accept, policy.accepted_bodies))
      return make_response(request, 406, "Not Acceptable", to_tag);
  }
  return std::nullopt;
}

std::optional<message> make_error_reply(message const& partial, parse_error const& error,
                                        std::string_view to_tag) {
  int const status = error.status();
  if (status == 0 || partial.method().empty() || partial.method() == "ACK") return std::nullopt;
  if (!partial.find(header_id::via)) return std::nullopt;
  std::string reason(reply_reason(error.ec));
  reason.append(" (").append(error.describe()).append(")");
  return make_response(partial, status, reason, to_tag);
}

}  // namespace gatehouse::sip
