#pragma once
// A stand-in for MediaMTX v1.20.1's Control API on 127.0.0.1 that follows openapi.yaml: PathConf
// bodies with unknown fields are refused with 400 `json: unknown field "x"` (the reference's path
// keys are the known ones), 404 for missing paths, 400 "path already exists" on a duplicate add,
// and restart() loses every API change and moves /v3/info's `started`, as a real restart does.
#include <catch2/catch.hpp>
#include <httplib.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "mediamtx/reference_keys.hpp"

namespace hs::test {

class ControlApiStandin {
 public:
  // `port`: 0 for a free one, or a given one (taking over from a SilentServer that played a
  // MediaMTX that hangs).
  explicit ControlApiStandin(int port = 0) {
    using httplib::Request;
    using httplib::Response;
    server_.Get("/v3/info", [this](const Request&, Response& res) {
      std::lock_guard lock(mutex_);
      record("GET /v3/info");
      ok(res, {{"version", version_}, {"started", started_}});
    });
    server_.Get("/v3/config/paths/list", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      record("GET /v3/config/paths/list");
      int per_page = req.has_param("itemsPerPage") ? std::stoi(req.get_param_value("itemsPerPage")) : 100;
      int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 0;
      per_page = std::min(per_page, page_size_);
      json items = json::array();
      int i = 0;
      for (const auto& [name, conf] : paths_)
        if (i++ / per_page == page) items.push_back(conf);
      int count = static_cast<int>(paths_.size());
      ok(res, {{"itemCount", count}, {"pageCount", (count + per_page - 1) / per_page}, {"items", items}});
    });
    server_.Get(R"(/v3/config/paths/get/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("GET /v3/config/paths/get/" + name);
      auto it = paths_.find(name);
      if (it == paths_.end()) return error(res, 404, "path configuration not found");
      ok(res, it->second);
    });
    server_.Post(R"(/v3/config/paths/add/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("POST /v3/config/paths/add/" + name);
      json body;
      if (!parse(req, res, body)) return;
      if (paths_.count(name)) return error(res, 400, "path already exists");
      body["name"] = name;
      paths_[name] = body;
      ok(res, {{"status", "ok"}});
    });
    server_.Patch(R"(/v3/config/paths/patch/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("PATCH /v3/config/paths/patch/" + name);
      json body;
      if (!parse(req, res, body)) return;
      auto it = paths_.find(name);
      if (it == paths_.end()) return error(res, 404, "path configuration not found");
      it->second.update(body);
      ok(res, {{"status", "ok"}});
    });
    server_.Post(R"(/v3/config/paths/replace/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("POST /v3/config/paths/replace/" + name);
      json body;
      if (!parse(req, res, body)) return;
      if (!paths_.count(name)) return error(res, 404, "path configuration not found");  // openapi.yaml: 404
      body["name"] = name;
      paths_[name] = body;
      ok(res, {{"status", "ok"}});
    });
    server_.Delete(R"(/v3/config/paths/delete/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("DELETE /v3/config/paths/delete/" + name);
      if (!paths_.erase(name)) return error(res, 404, "path configuration not found");
      ok(res, {{"status", "ok"}});
    });
    server_.Get("/v3/paths/list", [this](const Request&, Response& res) {
      std::lock_guard lock(mutex_);
      record("GET /v3/paths/list");
      json items = json::array();
      for (const auto& [name, conf] : paths_) items.push_back(live(name));
      ok(res, {{"itemCount", items.size()}, {"pageCount", 1}, {"items", items}});
    });
    server_.Get(R"(/v3/paths/get/(.+))", [this](const Request& req, Response& res) {
      std::lock_guard lock(mutex_);
      std::string name = req.matches[1];
      record("GET /v3/paths/get/" + name);
      if (!paths_.count(name)) return error(res, 404, "path not found");
      ok(res, live(name));
    });
    server_.Get("/slow", [](const Request&, Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      res.set_content("{}", "application/json");
    });
    port_ = port == 0 ? server_.bind_to_any_port("127.0.0.1") : server_.bind_to_port("127.0.0.1", port) ? port : -1;
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 500 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ~ControlApiStandin() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  // MediaMTX restarted: configuration made through the API is gone, `started` changes.
  void restart() {
    std::lock_guard lock(mutex_);
    paths_.clear();
    started_ = "2026-08-22T10:0" + std::to_string(++restarts_) + ":00Z";
  }
  // What /v3/info reports as MediaMTX's version ("v1.20.1" until set).
  void set_version(std::string version) {
    std::lock_guard lock(mutex_);
    version_ = std::move(version);
  }
  void seed(const std::string& name, nlohmann::json conf) {
    std::lock_guard lock(mutex_);
    conf["name"] = name;
    paths_[name] = std::move(conf);
  }
  void set_page_size(int n) {
    std::lock_guard lock(mutex_);
    page_size_ = n;
  }
  std::map<std::string, nlohmann::json> paths() {
    std::lock_guard lock(mutex_);
    return paths_;
  }
  std::vector<std::string> take_calls() {
    std::lock_guard lock(mutex_);
    return std::exchange(calls_, {});
  }
  // Mutating calls only (lists and gets are an implementation detail of apply_cameras).
  std::vector<std::string> take_changes() {
    std::vector<std::string> out;
    for (auto& c : take_calls())
      if (c.rfind("GET ", 0) != 0) out.push_back(c);
    return out;
  }

 private:
  void record(std::string call) { calls_.push_back(std::move(call)); }
  using json = nlohmann::json;
  static void ok(httplib::Response& res, const json& body) { res.set_content(body.dump(), "application/json"); }
  static void error(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(json{{"status", "error"}, {"error", message}}.dump(), "application/json");
  }
  // PathConf bodies: JSON objects whose fields are the reference's path keys (Go's
  // DisallowUnknownFields, as conf/jsonwrapper does).
  bool parse(const httplib::Request& req, httplib::Response& res, json& body) {
    body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      error(res, 400, "json: cannot unmarshal");
      return false;
    }
    for (const auto& [key, value] : body.items()) {
      if (key != "name" && !default_reference_keys().path_key(key)) {
        error(res, 400, "json: unknown field \"" + key + "\"");
        return false;
      }
      if (key == "source" && value.is_string() && value.get<std::string>().find("invalid") != std::string::npos) {
        error(res, 400, "invalid source: '" + value.get<std::string>() + "'");
        return false;
      }
    }
    return true;
  }
  json live(const std::string& name) const {
    return {{"name", name},   {"confName", name},   {"source", {{"type", "rtspSource"}, {"id", ""}}},
            {"ready", false}, {"readyTime", nullptr}, {"available", false},
            {"availableTime", nullptr}, {"online", false}, {"onlineTime", nullptr},
            {"tracks", json::array()}, {"readers", json::array()}};
  }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, json> paths_;
  std::vector<std::string> calls_;
  std::string started_ = "2026-08-22T10:00:00Z";
  std::string version_ = "v1.20.1";
  int restarts_ = 0;
  int page_size_ = 100;
};


}  // namespace hs::test
