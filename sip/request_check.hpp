#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/message.hpp"
#include "sip/parser.hpp"

namespace gatehouse::sip {

/// What gatehouse understands, for the checks a UAS makes before any call logic (RFC 3261 §8.2).
struct request_policy {
  /// Methods gatehouse handles; others it knows get 405 with Allow (§8.2.1).
  std::vector<std::string> allowed = {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS"};
  /// Option tags gatehouse supports; a Require with any other gets 420 (§8.2.2.3).
  std::vector<std::string> supported;
  /// Body types gatehouse must understand in session-carrying requests (§8.2.3).
  std::vector<std::string> accepted_bodies = {"application/sdp"};
};

/// Methods of RFC 3261 and its extensions that gatehouse recognises (405 rather than 501).
bool is_known_method(std::string_view method) noexcept;

/// The reply to send without any call logic, or nullopt when the request may go on. In RFC 3261
/// §8.2 order: 501 for an unknown method and 405 (with Allow) for one not handled; 416 for a
/// Request-URI scheme other than sip, sips and tel; 420 (with Unsupported) for unknown Require
/// option tags; for INVITE and UPDATE, 415 (with Accept) for a body of a type not understood and
/// 406 when Accept excludes SDP. ACK and CANCEL are never refused here. `to_tag` is added to To.
std::optional<message> check_request(message const& request, request_policy const& policy,
                                     std::string_view to_tag);

/// The stateless reply to a request that failed to parse (RFC 3261 §8.2, RFC 4475): the status
/// the error names, its reason phrase with the defect appended ("Bad Request (malformed header
/// value: Via)"), and the Via, From, To, Call-ID and CSeq that could be read. nullopt when no reply
/// can be built: a response, an ACK, or a request without a Via to answer.
std::optional<message> make_error_reply(message const& partial, parse_error const& error,
                                        std::string_view to_tag);

}  // namespace gatehouse::sip
