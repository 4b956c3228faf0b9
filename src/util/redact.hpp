#pragma once
// Credentials in camera URLs (rtsp://user:pass@host) must never reach logs or API output.
#include <string>
#include <string_view>

namespace hs {

// rtsp://user:pass@host/x -> rtsp://user:***@host/x; rtsp://token@host -> rtsp://***@host.
std::string redact_url(std::string_view url);
// Redacts every scheme://userinfo@ found inside free text (error messages, libav logs), and the
// value of every token= and jwt= query parameter (MediaMTX reads viewer tokens there):
// rtsp://h/camera_1?token=eyJ... -> rtsp://h/camera_1?token=***.
std::string redact_credentials(std::string_view text);

}  // namespace hs
