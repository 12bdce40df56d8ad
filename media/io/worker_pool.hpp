#pragma once

#include <memory>
#include <vector>

#include "media/io/worker.hpp"

namespace gatehouse::media::io {

/// The relay's forwarding threads: `count` workers (0: one per core), each stream placed on the
/// worker carrying the fewest streams. Used from the controller's thread only.
class worker_pool {
 public:
  worker_pool(unsigned count, worker::timeout_handler on_timeout,
              std::chrono::milliseconds media_timeout);

  /// Places a new stream; remember the index to reach it again.
  std::size_t place(stream_id id);
  /// Forgets a stream placed with place().
  void forget(std::size_t index);
  worker& at(std::size_t index) { return *workers_[index]; }
  std::size_t size() const noexcept { return workers_.size(); }
  /// Streams placed on each worker.
  std::vector<std::size_t> const& load() const noexcept { return load_; }

 private:
  std::vector<std::unique_ptr<worker>> workers_;
  std::vector<std::size_t> load_;
};

}  // namespace gatehouse::media::io
