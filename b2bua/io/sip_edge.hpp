#pragma once

#include <asio.hpp>
#include <memory>

#include "b2bua/sip_front.hpp"
#include "sip/io/transport.hpp"

namespace gatehouse::b2bua::io {

/// Joins the transports to the sans-I/O front: hands up what arrives with the current time,
/// puts on the wire what the front produced, and keeps one steady_timer armed at the front's
/// next deadline (the ngtcp2 update_timer pattern).
class sip_edge final : public sip::io::transport_handler {
 public:
  sip_edge(asio::io_context& io, sip_front& front, sip::io::transport_options options);

  void on_datagram(std::string_view bytes, sip::peer const& from) override;
  void on_stream_message(sip::message& msg, sip::peer const& from) override;
  std::string on_stream_error(sip::parse_error const& error, sip::message const& partial,
                              sip::peer const& from) override;
  void on_send_failed(sip::peer const& to, std::error_code ec) override;

  /// Sends what the front has queued and re-arms the timer; call after driving the front.
  void flush();
  /// Stops the timer and closes every socket.
  void close();
  sip::io::transport_set& transports() noexcept { return *transports_; }

 private:
  void arm();

  asio::io_context& io_;
  sip_front& front_;
  asio::steady_timer timer_;
  std::optional<sip::time_point> armed_for_;
  std::unique_ptr<sip::io::transport_set> transports_;
};

}  // namespace gatehouse::b2bua::io
