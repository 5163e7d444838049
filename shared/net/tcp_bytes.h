// Internal to shared/net: how many bytes a TCP socket has carried, read from the kernel
// (Linux TCP_INFO). These are TCP payload bytes: what the WebSocket layer wrote and read after
// permessage-deflate, with frame headers, the HTTP upgrade and TLS records, but without TCP/IP
// headers. Kept out of ws_client.cpp because <linux/tcp.h> and the <netinet/tcp.h> that Asio
// includes cannot share a translation unit.
#pragma once

#include <cstdint>

namespace liaison::net::detail {

struct TcpBytes {
  uint64_t sent = 0;      // sent once (retransmissions not counted again)
  uint64_t received = 0;  // received in order
};

// The counters of the connected socket fd; false (and *out unchanged) when the kernel does not
// report them (not Linux, too old a kernel, not a TCP socket).
bool read_tcp_bytes(int fd, TcpBytes* out);

}  // namespace liaison::net::detail
