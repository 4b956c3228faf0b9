// Spool file handling: append with inode check, drain via rename under lock.
#include "hooks/spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace hs {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCurrent = "events.jsonl";
constexpr const char* kDrainPrefix = "draining.";

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

[[noreturn]] void fail(const char* call, const fs::path& p) {
  throw Error(fmt::format("spool: {}({}) failed: {}", call, p.string(), std::strerror(errno)));
}

void write_all(int fd, std::string_view data, const fs::path& p) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write", p);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

fs::path fallback_spool_dir(const fs::path& spool_dir) {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a of the spool's path: a stable, short name
  for (unsigned char c : spool_dir.lexically_normal().string()) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fs::path("/dev/shm") / fmt::format("hook-server-spool-{}-{:016x}", ::geteuid(), h);
}

bool private_spool_dir(const fs::path& dir, bool create) {
  if (create && ::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

Spool::Spool(fs::path dir) : dir_(std::move(dir)) {}

void Spool::append(std::string_view line) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  fs::path file = dir_ / kCurrent;
  std::string data(line);
  data += '\n';
  for (int attempt = 0; attempt < 100; ++attempt) {
    Fd f{::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)};
    if (f.fd < 0) fail("open", file);
    if (::flock(f.fd, LOCK_EX) != 0) fail("flock", file);
    struct stat held {}, named {};
    if (::fstat(f.fd, &held) != 0) fail("fstat", file);
    if (::stat(file.c_str(), &named) != 0 || named.st_ino != held.st_ino || named.st_dev != held.st_dev)
      continue;  // drained (renamed) while we waited for the lock: write to the new file
    try {
      write_all(f.fd, data, file);
      if (::fsync(f.fd) != 0) fail("fsync", file);
    } catch (const Error&) {
      // A full disk may have taken part of the line: cut it off, so the drain never reads half an
      // event (the whole event goes elsewhere: hook_delivery.cpp).
      if (::ftruncate(f.fd, held.st_size) != 0) {
        // nothing more to do: the write's error is the one to report
      }
      throw;
    }
    return;
  }
  throw Error(fmt::format("spool: could not append to {} (it kept being renamed)", file.string()));
}

std::size_t Spool::drain(const std::function<LineResult(std::string_view, std::string&)>& fn) {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return 0;
  fs::path current = dir_ / kCurrent;
  // Move the live file aside under its lock.
  {
    Fd f{::open(current.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd >= 0) {
      if (::flock(f.fd, LOCK_EX) != 0) fail("flock", current);
      struct stat st {};
      if (::fstat(f.fd, &st) == 0 && st.st_size > 0) {
        fs::path aside = dir_ / fmt::format("{}{}.{}.jsonl", kDrainPrefix,
                                             std::chrono::system_clock::now().time_since_epoch().count(), ::getpid());
        if (::rename(current.c_str(), aside.c_str()) != 0) fail("rename", current);
      }
    }
  }
  std::vector<fs::path> batches;
  for (const auto& entry : fs::directory_iterator(dir_, ec))
    if (entry.path().filename().string().rfind(kDrainPrefix, 0) == 0) batches.push_back(entry.path());
  std::sort(batches.begin(), batches.end());

  std::size_t handled = 0;
  for (const auto& batch : batches) {
    std::ifstream in(batch);
    std::string line;
    std::vector<std::string> rest;
    bool stop = false;
    while (std::getline(in, line)) {
      if (stop) {
        rest.push_back(line);
        continue;
      }
      if (line.empty()) continue;
      std::string reason;
      switch (fn(line, reason)) {
        case LineResult::done: ++handled; break;
        case LineResult::rejected:
          ++handled;
          append_line_durable(dir_ / "rejected.jsonl", fmt::format("{{\"reason\":{},\"line\":{}}}",
                                                                   nlohmann::json(reason).dump(), nlohmann::json(line).dump()));
          log::get("spool")->warn("spooled event rejected: {}", reason);
          break;
        case LineResult::retry_later:
          stop = true;
          rest.push_back(line);
          break;
      }
    }
    if (stop) {
      std::string keep;
      for (const auto& l : rest) keep += l + "\n";
      write_file_atomic(batch, keep);
      return handled;
    }
    fs::remove(batch, ec);
  }
  return handled;
}

std::uintmax_t Spool::pending_bytes_with_fallback() const {
  std::uintmax_t n = pending_bytes();
  if (const auto fallback = fallback_spool_dir(dir_); private_spool_dir(fallback, false)) n += Spool(fallback).pending_bytes();
  return n;
}

std::uintmax_t Spool::pending_bytes() const {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    auto name = entry.path().filename().string();
    if (name == kCurrent || name.rfind(kDrainPrefix, 0) == 0) total += entry.file_size(ec);
  }
  return total;
}

}  // namespace hs
