#pragma once
// MediaMTX's recordPath pattern (internal/recordstore/path.go): how segment files are named and how
// their start instants are read back. Pure: no I/O; the time zone is passed in.
//
// Specifiers: %path (path name, may hold '/'), %Y (4 digits), %m %d %H %M %S (2), %f (6, µs),
// %z ("Z" or ±HHMM), %s (10-digit Unix seconds). The extension (.mp4 for fmp4, .ts for mpegts) is
// appended. Start = %s (+%f) when %s > 0, else the date fields in %z's offset, else in the zone
// MediaMTX runs in, resolved the way Go's time.Date does.
//
// Unlike MediaMTX's decoder, a name must match the whole pattern including the extension, so
// sidecars such as <segment>.mp4.json are never taken for segments.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/time.hpp"
#include "util/zone.hpp"

namespace hs {

class RecordPath {
 public:
  struct Decoded {
    std::string path;  // the MediaMTX path name, e.g. camera_1 or site/cam2
    TimePoint start;
  };

  // Throws BadInput naming the pattern when %path is missing, when neither %s nor all of
  // %Y %m %d %H %M %S are present, or when the format is not fmp4 or mpegts.
  RecordPath(std::string pattern, std::string_view format, Zone zone);

  const std::string& pattern() const { return pattern_; }
  const std::string& extension() const { return extension_; }
  const Zone& zone() const { return zone_; }
  // MediaMTX's CommonPath: the directory part before the first element holding a '%', e.g.
  // "./recordings" for "./recordings/%path/%Y-%m-%d_%H-%M-%S-%f". Recordings live below it.
  const std::string& root() const { return root_; }
  // The pattern below root() with the extension, e.g. "%path/%Y-%m-%d_%H-%M-%S-%f.mp4".
  const std::string& relative_pattern() const { return relative_; }

  // Reads a file name given relative to root(). nullopt when it does not match or holds an
  // impossible date (month 13) or an invalid path name.
  std::optional<Decoded> decode(std::string_view relative) const;
  // Like decode, but throws BadInput: segment name "x" does not match recordPath "p".
  Decoded decode_or_throw(std::string_view relative) const;
  // The relative name MediaMTX would write for a segment of `path` starting at `start`, with the
  // local fields in this zone (as MediaMTX formats in its local zone).
  std::string encode(std::string_view path, TimePoint start) const;

 private:
  enum class Kind { literal, path, year, month, day, hour, minute, second, micro, offset, unix };
  struct Token {
    Kind kind;
    std::string text;  // literal text
  };
  struct Fields;
  bool match(size_t token, std::string_view s, size_t pos, Fields& f) const;

  std::string pattern_;
  std::string extension_;
  std::string root_;
  std::string relative_;
  Zone zone_;
  std::vector<Token> tokens_;
  bool has_unix_ = false;
};

// MediaMTX path names: [0-9a-zA-Z_-/.], not starting or ending with '/', no "." or ".." elements,
// no empty elements.
bool valid_path_name(std::string_view name);

}  // namespace hs
