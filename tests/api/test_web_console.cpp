// The web console's static mount: files with their content types, / and /ui redirected, no
// directory listing, nothing outside the console's folder, server.ui: false, a missing console.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "api/web_console.hpp"
#include "build_paths.hpp"
#include "support/media.hpp"
#include "support/server_fixture.hpp"

using namespace hs;
using hs::test::TempDir;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
}

// A console folder as examples/web holds it, and a file beside app/ that must stay private.
struct ConsoleDir {
  TempDir tmp;
  ConsoleDir() {
    write(web() / "app" / "index.html", "<!doctype html><title>console</title>");
    write(web() / "app" / "js" / "main.js", "export const x = 1;\n");
    write(web() / "app" / "console.css", "body {}\n");
    fs::create_directories(web() / "app" / "empty");
    write(web() / "node_modules" / "hls.js" / "dist" / "hls.min.mjs", "export default class Hls {}\n");
    write(web() / "secret.txt", "not for the web");
    write(tmp.path() / "outside.txt", "not for the web either");
  }
  fs::path web() const { return tmp.path() / "web"; }
};

// An httplib server with only the console installed, on 127.0.0.1.
struct ConsoleServer {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  ConsoleServer(const Config& config, const std::vector<fs::path>& candidates) {
    install_web_console(server, config, candidates);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ConsoleServer() {
    server.stop();
    thread.join();
  }
  httplib::Result get(const std::string& path) {
    httplib::Client cli("127.0.0.1", port);
    return cli.Get(path);
  }
  // The request line exactly as given: httplib's client would not send "..".
  std::string raw(const std::string& target) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return out;
  }
};

}  // namespace

TEST_CASE("the console is served at /ui/ with content types and its security headers", "[api][console]") {
  ConsoleDir dir;
  ConsoleServer s(Config{}, {dir.tmp.path() / "absent", dir.web()});

  auto index = s.get("/ui/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index->body == "<!doctype html><title>console</title>");
  CHECK(index->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(index->get_header_value("Cache-Control") == "no-cache");
  CHECK(index->get_header_value("Content-Security-Policy").rfind("default-src 'self'; script-src 'self';", 0) == 0);

  CHECK(s.get("/ui/js/main.js")->get_header_value("Content-Type") == "text/javascript");
  CHECK(s.get("/ui/console.css")->get_header_value("Content-Type") == "text/css");
  auto hls = s.get("/ui/vendor/hls.js/hls.min.mjs");
  CHECK(hls->status == 200);
  CHECK(hls->get_header_value("Content-Type") == "text/javascript");
  CHECK(hls->body == "export default class Hls {}\n");

  for (const char* from : {"/", "/ui"}) {
    auto r = s.get(from);
    CAPTURE(from);
    CHECK(r->status == 302);
    CHECK(r->get_header_value("Location") == "/ui/");
  }
}

TEST_CASE("the console lists no directory and serves nothing outside its folder", "[api][console]") {
  ConsoleDir dir;
  ConsoleServer s(Config{}, {dir.web()});
  CHECK(s.get("/ui/empty/")->status == 404);
  CHECK(s.get("/ui/empty")->status == 404);
  CHECK(s.get("/ui/missing.js")->status == 404);
  // The app folder's parent (secret.txt), the temp dir above it, node_modules beyond hls.js' dist.
  for (const char* target :
       {"/ui/../secret.txt", "/ui/%2e%2e/secret.txt", "/ui/..%2fsecret.txt", "/ui/js/../../secret.txt",
        "/ui/../../outside.txt", "/ui/%2E%2E/%2E%2E/outside.txt", "/ui/vendor/hls.js/../../secret.txt",
        "/ui/vendor/hls.js/../package.json", "/ui//../secret.txt"}) {
    CAPTURE(target);
    auto reply = s.raw(target);
    CHECK(reply.rfind("HTTP/1.1 404", 0) == 0);
    CHECK(reply.find("not for the web") == std::string::npos);
  }
  // The same file reached without climbing is served: the refusals above are about the path.
  CHECK(s.raw("/ui/js/../index.html").rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("server.ui: false serves no console and no redirect", "[api][console]") {
  ConsoleDir dir;
  Config config;
  config.server.ui = false;
  ConsoleServer s(config, {dir.web()});
  CHECK(s.get("/ui/")->status == 404);
  CHECK(s.get("/")->status == 404);
}

TEST_CASE("a missing console leaves the server running and says where it looked", "[api][console]") {
  TempDir tmp;
  ConsoleServer s(Config{}, {tmp.path() / "a", tmp.path() / "b"});
  auto r = s.get("/ui/");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(r->body == nlohmann::json{{"error", "the web console was not found (tried \"" + (tmp.path() / "a").string() +
                                                "\", \"" + (tmp.path() / "b").string() +
                                                "\"): set HOOK_SERVER_WEB_DIR to its folder, or server.ui: false"}}
                       .dump());
  CHECK(s.get("/")->get_header_value("Location") == "/ui/");
}

TEST_CASE("the console is looked for in HOOK_SERVER_WEB_DIR, then installed, then in the source tree",
          "[api][console]") {
  ::setenv("HOOK_SERVER_WEB_DIR", "/srv/console", 1);
  auto with_env = web_dir_candidates();
  ::unsetenv("HOOK_SERVER_WEB_DIR");
  auto without = web_dir_candidates();
  REQUIRE(with_env.size() == 3);
  CHECK(with_env[0] == "/srv/console");
  REQUIRE(without.size() == 2);
  CHECK(without[0].string().ends_with("/share/hook-server/web"));
  CHECK(without[0].parent_path().parent_path().parent_path() ==
        fs::read_symlink("/proc/self/exe").parent_path().parent_path());
  CHECK(without[1] == fs::path(HOOK_SERVER_SOURCE_DIR) / "examples" / "web");
}

TEST_CASE("the server finds the console of the source tree and serves it with the API", "[api][console]") {
  hs::test::ServerFixture server;
  server.start();
  auto r = server.request("GET", "/ui/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.find("<title>hook-server</title>") != std::string::npos);
  CHECK(server.get("/api/cameras")["cameras"].is_array());
}
