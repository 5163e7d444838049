#include "shared/net/tcp_bytes.h"

#if defined(__linux__)
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#endif

namespace liaison::net::detail {

bool read_tcp_bytes(int fd, TcpBytes* out) {
#if defined(__linux__)
  struct tcp_info info {};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return false;
  // Older kernels fill a shorter struct: each counter is valid only when the kernel wrote it.
  auto has = [len](size_t offset, size_t size) { return len >= offset + size; };
  if (!has(offsetof(struct tcp_info, tcpi_bytes_received), sizeof info.tcpi_bytes_received))
    return false;
  out->received = info.tcpi_bytes_received;
  if (has(offsetof(struct tcp_info, tcpi_bytes_retrans), sizeof info.tcpi_bytes_retrans)) {
    out->sent = info.tcpi_bytes_sent - info.tcpi_bytes_retrans;
  } else {
    out->sent = info.tcpi_bytes_acked;  // before 4.19: what the peer acknowledged
  }
  return true;
#else
  (void)fd;
  (void)out;
  return false;
#endif
}

}  // namespace liaison::net::detail
