#pragma once

#include <functional>
#include <string>

#include "b2bua/sip_front.hpp"

namespace gatehouse::b2bua {

/// The transaction user: what gatehouse does with requests that passed the stateless checks.
/// Today it answers OPTIONS addressed to gatehouse itself (RFC 3261 §11) and refuses what it
/// cannot route yet: calls and registrations arrive with the B2BUA controller and registrar.
class core final : public sip::transaction_user {
 public:
  /// `now` gives the time for answers made inside callbacks; `server` is the Server header
  /// value (empty for none).
  core(std::function<sip::time_point()> now, std::string server);

  /// Must be called once the front exists (the front needs the core as its TU first).
  void attach(sip_front& front);

  void on_request(sip::transaction_id tx, sip::message const& request,
                  sip::peer const& source) override;
  void on_ack(sip::message const&, sip::peer const&) override {}
  void on_cancel(sip::transaction_id invite_tx, sip::message const& cancel) override;
  void on_response(sip::transaction_id, sip::message const&) override {}
  void on_client_failure(sip::transaction_id, sip::client_failure) override {}
  void on_stray_response(sip::message const&, sip::peer const&) override {}

 private:
  bool is_for_us(sip::message const& request) const;
  void answer(sip::transaction_id tx, sip::message const& request, int status,
              std::string_view reason);

  std::function<sip::time_point()> now_;
  std::string server_;
  sip_front* front_ = nullptr;
};

}  // namespace gatehouse::b2bua
