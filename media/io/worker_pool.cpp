#include "media/io/worker_pool.hpp"

#include <algorithm>
#include <thread>

namespace gatehouse::media::io {

worker_pool::worker_pool(unsigned count, worker::timeout_handler on_timeout,
                         std::chrono::milliseconds media_timeout) {
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < count; ++i)
    workers_.push_back(std::make_unique<worker>(on_timeout, media_timeout));
  load_.assign(count, 0);
}

std::size_t worker_pool::place(stream_id) {
  auto const it = std::min_element(load_.begin(), load_.end());
  ++*it;
  return std::size_t(it - load_.begin());
}

void worker_pool::forget(std::size_t index) {
  if (index < load_.size() && load_[index] > 0) --load_[index];
}

}  // namespace gatehouse::media::io
