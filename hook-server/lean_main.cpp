// hook-server: the executable MediaMTX spawns for every hook, kept lean so that a spawn costs about
// as much as /bin/true. It handles the `hook` command itself — the POST over a loopback socket, and
// the spool when the server cannot take the event — linking only what that needs (header-only
// fmt/json, yaml-cpp and the C++ runtime statically; the whole binary is static where the toolchain
// allows, so it also runs in MediaMTX's official image, which has no libc). Everything else — other
// subcommands, --help, --version, options it does not know, https URLs and host names — is handed
// to hook-server-full (installed beside it) by exec with the same arguments, so behaviour and
// messages stay those of the full CLI (hook-server/main.cpp). Where hook-server-full is absent (that
// image), an event it would have needed for is spooled with the reason.
//
// Measured in bench/hook_client.sh: see docs/BENCHMARKS.md.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "domain/hook_event.hpp"
#include "hooks/hook_delivery.hpp"
#include "hooks/hook_payload.hpp"
#include "util/error.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace hs;

// Replaces this process with hook-server-full; returns only when that cannot be run, with errno set.
void exec_full(char** argv) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  fs::path full = (ec ? fs::path(argv[0]).parent_path() : self.parent_path()) / "hook-server-full";
  ::execv(full.c_str(), argv);
}

[[noreturn]] void exec_full_or_exit(char** argv) {
  exec_full(argv);
  std::cerr << "hook-server: cannot run hook-server-full beside this program: " << std::strerror(errno) << "\n";
  std::exit(1);
}

struct Args {
  std::string event, config, url, spool;
};

// The `hook` command line exactly as main.cpp's CLI11 definition accepts it in the usual forms;
// nullopt for anything else (the full CLI then parses it and reports errors its own way).
std::optional<Args> parse_args(int argc, char** argv) {
  int i = 1;
  auto value_of = [&](std::string_view a, std::string_view name, std::string& out) {
    if (a == name) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    }
    if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') {
      out = std::string(a.substr(name.size() + 1));
      return true;
    }
    return false;
  };
  std::string ignored;
  for (; i < argc; ++i) {
    std::string_view a(argv[i]);
    if (value_of(a, "--log-level", ignored)) continue;
    break;
  }
  if (i >= argc || std::string_view(argv[i]) != "hook") return std::nullopt;
  Args out;
  bool have_event = false;
  for (++i; i < argc; ++i) {
    std::string_view a(argv[i]);
    if (value_of(a, "--config", out.config) || value_of(a, "-c", out.config) || value_of(a, "--url", out.url) ||
        value_of(a, "--spool", out.spool))
      continue;
    if (!a.empty() && a[0] == '-') return std::nullopt;  // --help, unknown options, a missing value
    if (have_event) return std::nullopt;
    out.event = a;
    have_event = true;
  }
  if (!have_event) return std::nullopt;
  return out;
}

struct Target {
  std::string url = "http://127.0.0.1:9980";
  std::string secret;
  fs::path spool;  // <data_dir>/spool; empty without a config file
};

std::string client_host(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty() ? "127.0.0.1" : host;
}

// server.listen, server.hook_secret and data_dir, as load_config reads them. nullopt when the
// file is not plain enough to be sure (the full client then reads it and reports what is wrong).
std::optional<Target> read_config(const std::string& file) {
  Target t;
  try {
    YAML::Node root = YAML::LoadFile(file);
    if (!root.IsMap()) return std::nullopt;
    std::string host = "127.0.0.1";
    long port = 9980;
    if (auto s = root["server"]) {
      if (!s.IsMap()) return std::nullopt;
      if (auto l = s["listen"]) {
        if (!l.IsScalar()) return std::nullopt;
        std::string text = l.Scalar();
        auto colon = text.rfind(':');
        if (colon == std::string::npos || colon == 0) return std::nullopt;
        host = text.substr(0, colon);
        if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        char* end = nullptr;
        std::string p = text.substr(colon + 1);
        port = p.empty() ? -1 : std::strtol(p.c_str(), &end, 10);
        if (port < 0 || port > 65535 || (end && *end)) return std::nullopt;
      }
      if (auto h = s["hook_secret"]) {
        if (!h.IsScalar()) return std::nullopt;
        t.secret = h.Scalar();
      }
    }
    // data_dir resolves against the config file's folder, as load_config does.
    fs::path dir = fs::absolute(file).parent_path();
    fs::path data_dir = dir / "var";
    if (auto d = root["data_dir"]) {
      if (!d.IsScalar() || d.Scalar().empty()) return std::nullopt;
      data_dir = fs::path(d.Scalar()).is_relative() ? dir / d.Scalar() : fs::path(d.Scalar());
    }
    t.spool = (data_dir / "spool").lexically_normal();
    if (const char* v = std::getenv("HOOK_SERVER_HOOK_SECRET"); v && *v) t.secret = v;
    t.url = "http://" + client_host(host) + ":" + std::to_string(port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return t;
}

// http://<IPv4>:<port> only; nullopt for anything else (https, names, paths).
std::optional<sockaddr_in> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  long port = 80;
  if (colon != std::string::npos) {
    char* end = nullptr;
    port = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535) return std::nullopt;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return std::nullopt;
  return a;
}

bool wait_for(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int r;
  do r = ::poll(&p, 1, timeout_ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

struct Reply {
  int status = 0;
  std::string body;
  std::string error;  // httplib's names for the same failures: Connection, ConnectionTimeout, Read, Write
};

// One POST with the hook client's timeouts (connect 500 ms, read/write 2 s), Connection: close.
Reply post(const sockaddr_in& addr, const std::string& request) {
  Reply r;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return r.error = "Connection", r;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (errno != EINPROGRESS) return r.error = "Connection", r;
    if (!wait_for(fd, POLLOUT, 500)) return r.error = "ConnectionTimeout", r;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err) return r.error = "Connection", r;
  }
  for (size_t off = 0; off < request.size();) {
    ssize_t w = ::send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, 2000)) return r.error = "Write", r;
      continue;
    }
    if (w <= 0) return r.error = "Write", r;
    off += static_cast<size_t>(w);
  }
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{2};
  size_t head_end = std::string::npos, want = std::string::npos;
  for (;;) {
    if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
      std::string head = in.substr(0, head_end);
      for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (head.compare(0, 5, "http/") != 0 || head.size() < 12) return r.error = "Read", r;
      r.status = std::atoi(head.c_str() + 9);
      if (auto p = head.find("\r\ncontent-length:"); p != std::string::npos)
        want = head_end + 4 + std::strtoul(head.c_str() + p + 17, nullptr, 10);
    }
    if (want != std::string::npos && in.size() >= want) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0 || !wait_for(fd, POLLIN, static_cast<int>(left))) return r.status = 0, r.error = "Read", r;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) return r.status = 0, r.error = "Read", r;
    if (n == 0) {
      if (head_end == std::string::npos || want != std::string::npos) return r.status = 0, r.error = "Read", r;
      break;  // no Content-Length: the body ends with the connection
    }
    in.append(buf, static_cast<size_t>(n));
  }
  r.body = in.substr(head_end + 4, want == std::string::npos ? std::string::npos : want - head_end - 4);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  if (!args) exec_full_or_exit(argv);
  // An unknown event gets the full client's message.
  auto kind = parse_hook_kind(args->event);
  if (!kind) exec_full_or_exit(argv);

  Target t;
  if (!args->config.empty()) {
    auto c = read_config(args->config);
    if (!c) exec_full_or_exit(argv);
    t = *c;
  }
  if (const char* v = std::getenv("HOOK_SERVER_URL"); v && *v) t.url = v;
  if (const char* v = std::getenv("HOOK_SERVER_SPOOL"); v && *v) t.spool = v;
  if (const char* v = std::getenv("HOOK_SERVER_HOOK_SECRET"); v && *v) t.secret = v;
  if (!args->url.empty()) t.url = args->url;
  if (!args->spool.empty()) t.spool = args->spool;

  std::map<std::string, std::string> vars;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = entry.substr(0, eq);
    if (is_forwarded_variable(name)) vars[std::string(name)] = std::string(entry.substr(eq + 1));
  }
  Clock clock;
  std::error_code ec;
  auto cwd = fs::current_path(ec);
  auto payload = make_hook_payload(*kind, vars, clock.now(), ec ? std::string() : cwd.string());
  try {
    make_hook_event(*kind, vars, clock.now(), "");
  } catch (const BadInput& e) {
    return hook_exit_code(hook_malformed(args->event, e.what(), std::cerr));
  }
  std::string body = payload.dump();

  auto addr = parse_url(t.url);
  if (!addr) {
    // https and host names are the full client's; without it (a static image), keep the event.
    exec_full(argv);
    std::string reason = "only http://<IPv4>:<port> URLs work without hook-server-full beside this program";
    return hook_exit_code(spool_or_lose(args->event, body, t.url, t.spool, reason, std::cerr));
  }
  std::string request = "POST /hooks/" + std::string(hook_kind_name(*kind)) + " HTTP/1.1\r\nHost: " +
                        t.url.substr(7) + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n";
  if (!t.secret.empty()) request += "X-Hook-Secret: " + t.secret + "\r\n";
  request += "\r\n" + body;

  Reply r = post(*addr, request);
  if (r.status >= 200 && r.status < 300) return 0;
  if (r.status >= 400 && r.status < 500 && r.status != 408 && r.status != 429)
    return hook_exit_code(hook_refused(args->event, r.status, r.body, std::cerr));
  std::string reason = r.status ? "server answered " + std::to_string(r.status) : r.error;
  return hook_exit_code(spool_or_lose(args->event, body, t.url, t.spool, reason, std::cerr));
}
