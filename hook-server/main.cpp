// hook-server: the command line. Each subcommand reads as its steps; the work lives in src/.
//   serve       load config -> open index -> start worker -> serve HTTP -> stop on SIGINT/SIGTERM
//   hook EVENT  read MTX_* -> POST to the server -> spool when it is unreachable -> exit
//   reconcile   load config -> open index -> ingest the spool -> one reconciliation pass -> report
//   gen-config  load config -> cameras (file + API cameras recorded in mediamtx.yml; no index) ->
//               hook command checked -> write mediamtx.yml (or --check: diff, exit 1)
//   cleanup     load config -> open index -> cameras' retention in line -> one retention pass
//               (or --dry-run: what it would do)
//   keys rotate load config -> add a signing key to the key store (--now: replace every key)
//   doctor      every check of src/app/doctor.hpp, one line each (or --json); exit 0/1/2
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <malloc.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "access/issuer.hpp"
#include "access/key_store.hpp"
#include "app/doctor.hpp"
#include "app/maintenance.hpp"
#include "app/server_app.hpp"
#include "config/config.hpp"
#include "hooks/hook_client.hpp"
#include "mediamtx/camera_path.hpp"
#include "mediamtx/config_gen.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/progress.hpp"

extern char** environ;

namespace {

using namespace hs;

std::string client_host(const std::string& host) {
  return host == "0.0.0.0" || host == "::" || host.empty() ? "127.0.0.1" : host;
}

// The configuration, with the log format it asks for applied.
Config configure(const std::string& config_file) {
  Config config = load_config(config_file);
  log::set_format(config.server.log_format);
  return config;
}

int serve(const std::string& config_file, const std::string& listen) {
  Config config = configure(config_file);
  if (!listen.empty()) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw ConfigError(fmt::format("--listen: expected host:port, got {}", quote(listen)));
    config.server.host = listen.substr(0, colon);
    try {
      config.server.port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
      throw ConfigError(fmt::format("--listen: expected host:port, got {}", quote(listen)));
    }
  }
  // glibc gives threads up to 8 malloc arenas per core, each keeping what it freed: with 32 HTTP
  // workers rendering pages that doubled the server's RSS (bench/scale.sh) for no measurable gain
  // in throughput. Set before any thread starts.
  ::mallopt(M_ARENA_MAX, 2);
  // Signals go to a dedicated thread so that stopping is an ordinary call.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  ServerApp app(std::move(config));
  app.bind();
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    log::get("server")->info("signal {} received: stopping", sig);
    app.stop();
  });
  app.run();
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return 0;
}

int hook(const std::string& event, const std::string& config_file, const std::string& url, const std::string& spool) {
  HookClientOptions o;
  o.url = "http://127.0.0.1:9980";
  if (!config_file.empty()) {
    try {
      Config c = load_config(config_file);
      o.url = fmt::format("http://{}:{}", client_host(c.server.host), c.server.port);
      o.spool_dir = c.data_dir / "spool";
      o.secret = c.server.hook_secret;
    } catch (const std::exception& e) {
      std::cerr << "hook-server hook " << event << ": " << e.what() << "\n";
    }
  }
  if (const char* v = std::getenv("HOOK_SERVER_URL"); v && *v) o.url = v;
  if (const char* v = std::getenv("HOOK_SERVER_SPOOL"); v && *v) o.spool_dir = v;
  if (const char* v = std::getenv("HOOK_SERVER_HOOK_SECRET"); v && *v) o.secret = v;
  if (!url.empty()) o.url = url;
  if (!spool.empty()) o.spool_dir = spool;
  return hook_exit_code(run_hook_client(event, o, environ, std::cerr));
}

int reconcile(const std::string& config_file) {
  Config config = configure(config_file);
  TerminalProgress progress;
  auto run = run_reconcile(config, progress.fn());
  progress.clear();
  const auto& r = run.report;
  std::cout << fmt::format("{} spooled events ingested; {} segment files: {} added, {} finished, {} missing, {} restored, "
                           "{} other files ignored ({} ms)\n",
                           run.spooled, r.scanned, r.added, r.finished, r.missing, r.restored, r.ignored,
                           r.elapsed.count() / 1000);
  if (r.implausible)
    std::cout << fmt::format("{} segment files not indexed: their names date them before 1970 or after now + 1 day "
                             "(the log names them)\n",
                             r.implausible);
  return 0;
}

std::string tally_line(const Retention::CameraTally& t) {
  return fmt::format("camera {}: {} segments, {} bytes, oldest {}, newest {}", t.camera_id, t.count, t.bytes,
                     t.oldest ? format_rfc3339_ms(*t.oldest) : "-", t.newest ? format_rfc3339_ms(*t.newest) : "-");
}

int gen_config(const std::string& config_file, bool check) {
  Config config = configure(config_file);
  // Cameras added through the API are read from the generated file, which the server rewrites when
  // they change: gen-config never opens the index.
  std::vector<CameraConfig> cameras = config.cameras;
  for (auto& c : api_cameras_in_output(config)) cameras.push_back(std::move(c));
  const char* path = std::getenv("PATH");
  check_hook_command(config, path ? path : "");
  if (check) {
    auto r = check_mediamtx_config(config, cameras);
    if (!r.changed) {
      std::cout << r.output.string() << " is up to date (" << cameras.size() << " cameras)\n";
      return 0;
    }
    std::cerr << r.output.string() << (r.valid ? " is out of date:\n" : " cannot be generated:\n") << r.diff
              << (r.diff.empty() || r.diff.back() == '\n' ? "" : "\n");
    return 1;
  }
  auto r = write_mediamtx_config(config, cameras);
  std::cout << r.output.string() << (r.changed ? " written" : " unchanged") << " (" << cameras.size() << " cameras)\n";
  return 0;
}

int cleanup(const std::string& config_file, bool dry_run) {
  Config config = configure(config_file);
  if (dry_run) {
    auto plan = cleanup_dry_run(config);
    std::cout << "would delete now (expired and notified):" << (plan.deletable.empty() ? " nothing\n" : "\n");
    for (const auto& t : plan.deletable) std::cout << "  " << tally_line(t) << "\n";
    std::cout << "would notify now (deleted after the notice):" << (plan.to_notify.empty() ? " nothing\n" : "\n");
    for (const auto& t : plan.to_notify) std::cout << "  " << tally_line(t) << "\n";
    return 0;
  }
  TerminalProgress progress;
  auto run = run_cleanup(config, progress.fn());
  progress.clear();
  const auto& r = run.pass;
  std::cout << fmt::format("{} deleted ({} bytes), {} deleted for disk space, {} notified, {} recovered, {} refused, "
                           "{} old events removed, {} notices delivered ({} ms){}\n",
                           r.deleted, r.deleted_bytes, r.disk_deleted, r.notified, r.recovered, r.refused,
                           run.events_pruned, run.notices_delivered, r.elapsed.count() / 1000,
                           r.disk_alert ? "; ALERT: " + run.alert : "");
  return r.disk_alert ? 3 : 0;
}

int rotate_keys(const std::string& config_file, bool now) {
  Config config = load_config(config_file);
  access::KeyStore store(access::Issuer::options_from(config).key_file);
  const auto at = ServerApp::system_clock().now();
  auto r = store.rotate(at, config.access.max_ttl, now);
  std::cout << fmt::format("new signing key {} in {}\n", r.added.kid, store.file().string());
  for (const auto& kid : r.dropped) std::cout << fmt::format("dropped key {}{}\n", kid, now ? "" : " (retired)");
  if (now) {
    std::cout << "it signs at once; tokens signed by the dropped keys stop working as soon as MediaMTX fetches the JWKS again\n";
  } else {
    std::cout << fmt::format("published in the JWKS now; it signs from {} (MediaMTX refetches its JWKS within an hour){}\n",
                             format_rfc3339_ms(r.added.activates),
                             config.mediamtx.api_url.empty() ? "" : ", or as soon as the running server has told MediaMTX to refetch");
    auto ring = store.load();
    for (const auto& k : ring.keys)
      if (auto end = ring.retires(k, config.access.max_ttl))
        std::cout << fmt::format("key {} stays published until {}\n", k.kid, format_rfc3339_ms(*end));
  }
  std::cout << "a running server picks the change up within seconds; MediaMTX needs no reload\n";
  return 0;
}

int doctor(const std::string& config_file, bool json) {
  DoctorOptions options;
  const char* path = std::getenv("PATH");
  options.path_var = path ? path : "";
  auto checks = run_doctor(config_file, options);
  if (json) std::cout << doctor_json(checks).dump(2) << "\n";
  else std::cout << doctor_text(checks);
  return doctor_exit_code(checks);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"hook-server: recordings index, retention and snapshots for MediaMTX"};
  cli.set_version_flag("--version", HOOK_SERVER_VERSION);
  cli.require_subcommand(1);
  std::string config_file = "hook-server.yml", listen, url, spool, event, log_level = "info";
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error")->capture_default_str();

  auto* serve_cmd = cli.add_subcommand("serve", "run the server");
  serve_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();
  serve_cmd->add_option("--listen", listen, "host:port, overrides server.listen (port 0: any free port)");

  auto* hook_cmd = cli.add_subcommand("hook", "deliver one MediaMTX hook event (run by MediaMTX)");
  hook_cmd->add_option("event", event, "available|unavailable|ready|not-ready|segment-create|segment-complete|...")->required();
  std::string hook_config;
  hook_cmd->add_option("--config,-c", hook_config, "hook-server.yml: server address, secret and spool folder");
  hook_cmd->add_option("--url", url, "server base URL, e.g. http://127.0.0.1:9980 (or HOOK_SERVER_URL)");
  hook_cmd->add_option("--spool", spool, "spool folder used when the server is unreachable (or HOOK_SERVER_SPOOL)");

  auto* reconcile_cmd = cli.add_subcommand("reconcile", "index recordings on disk that no hook announced, once");
  reconcile_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();

  auto* gen_cmd = cli.add_subcommand("gen-config", "write MediaMTX's configuration (mediamtx.output) from the cameras");
  gen_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();
  bool check = false;
  gen_cmd->add_flag("--check", check, "write nothing; exit 1 with a diff when the file is out of date or invalid");

  auto* cleanup_cmd = cli.add_subcommand("cleanup", "run one retention pass (notify, delete expired, disk guard)");
  cleanup_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();
  bool dry_run = false;
  cleanup_cmd->add_flag("--dry-run", dry_run, "print what would be deleted and notified, touch nothing");

  auto* keys_cmd = cli.add_subcommand("keys", "manage the keys that sign viewer tokens");
  keys_cmd->require_subcommand(1);
  auto* rotate_cmd = keys_cmd->add_subcommand("rotate", "add a new signing key (the old one stays published until its tokens expired)");
  rotate_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();
  bool rotate_now = false;
  rotate_cmd->add_flag("--now", rotate_now, "a leaked key: sign with the new key at once and drop every older key");
  auto* doctor_cmd = cli.add_subcommand("doctor", "check the setup end to end: one line per check, with a fix for each problem");
  doctor_cmd->add_option("--config,-c", config_file, "hook-server.yml")->capture_default_str();
  bool doctor_json = false;
  doctor_cmd->add_flag("--json", doctor_json, "print the checks as JSON");
  doctor_cmd->footer("Exit status: 0 all fine, 1 a warning, 2 a failure.");

  CLI11_PARSE(cli, argc, argv);
  try {
    log::set_level(log_level);
    if (*serve_cmd) return serve(config_file, listen);
    if (*hook_cmd) return hook(event, hook_config, url, spool);
    if (*reconcile_cmd) return reconcile(config_file);
    if (*cleanup_cmd) return cleanup(config_file, dry_run);
    if (*gen_cmd) return gen_config(config_file, check);
    if (*rotate_cmd) return rotate_keys(config_file, rotate_now);
    if (*doctor_cmd) return doctor(config_file, doctor_json);
  } catch (const std::exception& e) {
    std::cerr << "hook-server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
