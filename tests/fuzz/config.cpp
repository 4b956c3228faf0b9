// Fuzz target: the configuration loader (config/config), from a YAML string as load_config reads
// a file. Invariant: any text is a Config or a ConfigError with a file:line:col message; nothing
// else escapes (no yaml-cpp exception, no std::out_of_range from a conversion).
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  try {
    hs::Config c = hs::parse_config(yaml, "/fuzz/etc/hook-server.yml");
    (void)c.retention_for(nullptr);
  } catch (const hs::ConfigError&) {
  }
  return 0;
}
