// Credentials never leave in clear.
#include <catch2/catch.hpp>

#include "util/error.hpp"
#include "util/redact.hpp"

using namespace hs;

TEST_CASE("redaction hides URL passwords and tokens", "[redact]") {
  CHECK(redact_url("rtsp://user:pass@192.168.1.100:554/stream1") == "rtsp://user:***@192.168.1.100:554/stream1");
  CHECK(redact_url("rtsp://token@cam/x") == "rtsp://***@cam/x");
  CHECK(redact_url("rtsp://cam:554/x") == "rtsp://cam:554/x");
  CHECK(redact_url("publisher") == "publisher");
  CHECK(redact_credentials("open rtsp://a:b@h/x failed; retry srt://u:p%40ss@h2:1") ==
        "open rtsp://a:***@h/x failed; retry srt://u:***@h2:1");
  CHECK(redact_url("rtsp://u:p@ss@h/x") == "rtsp://u:***@h/x");
}

TEST_CASE("redaction hides token= and jwt= query values, and only those", "[redact]") {
  CHECK(redact_url("rtsp://127.0.0.1:8554/camera_1?token=eyJhbGc.eyJzdWI.c2ln") == "rtsp://127.0.0.1:8554/camera_1?token=***");
  CHECK(redact_credentials("open http://h/x?a=1&jwt=abc&b=2 failed: 'rtsp://h/y?token=t1'") ==
        "open http://h/x?a=1&jwt=***&b=2 failed: 'rtsp://h/y?token=***'");
  CHECK(redact_credentials("mytoken=keep ?xtoken=keep") == "mytoken=keep ?xtoken=keep");
  CHECK(redact_credentials(redact_credentials("open(rtsp://h/c?token=a.b.c) failed")) == "open(rtsp://h/c?token=***) failed");
  CHECK(redact_url("http://hook-server:eyJ.x.y@127.0.0.1:8888/camera_1/index.m3u8") ==
        "http://hook-server:***@127.0.0.1:8888/camera_1/index.m3u8");
}

TEST_CASE("quote escapes what could forge a log line", "[redact]") {
  CHECK(quote("a\"b\\c\nd") == "\"a\\\"b\\\\c\\x0ad\"");
  CHECK(quote(std::string(300, 'x')).size() == 200 + 2 + 3);
}
