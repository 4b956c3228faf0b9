#pragma once
// The accept queue of the HTTP server's socket. cpp-httplib (built into Debian's shared library)
// listens with a backlog of 5; when more clients connect at once (MediaMTX runs one hook process
// per camera at every segment boundary, typically in the same second) the kernel drops the extra
// SYNs and each of those clients stalls for TCP's 1 s retransmission, beyond the hook client's
// connect timeout. listen() on a socket that is already listening only changes its backlog.

namespace hs {

// Finds this process's listening TCP socket on `port` and gives it `backlog`. Returns false when no
// such socket exists.
bool raise_listen_backlog(int port, int backlog);

}  // namespace hs
