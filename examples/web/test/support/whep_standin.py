#!/usr/bin/python3
"""A WHEP endpoint like MediaMTX's (POST /<path>/whep with an SDP offer -> 201 with the answer and a
Location; DELETE of that location ends the session), sending real H.264 video from GStreamer's
webrtcbin: videotestsrc -> x264enc (constrained baseline, which Chromium decodes; it offers no High
profile) -> RTP -> webrtcbin. ICE uses 127.0.0.1 only, without trickle: the answer holds every
candidate, as MediaMTX's does once gathering ends.

Usage: whep_standin.py PORT_FILE [--token TOKEN] [--refuse PATH]...
Binds 127.0.0.1 on a free port, writes it to PORT_FILE, serves until stdin closes or SIGTERM.
With --token, a request without "Authorization: Bearer TOKEN" gets 401, as MediaMTX answers. Offers
for a --refuse path get the 400 MediaMTX gives when the stream's codecs cannot go over WebRTC (a
camera sending H.264 High profile to Chromium, for instance)."""
import argparse
import json
import re
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
gi.require_version("Nice", "0.1")
from gi.repository import Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

Gst.init(None)

sessions = {}
sessions_lock = threading.Lock()


def h264_payload_type(offer_sdp):
    """The payload type the offer gives H.264 constrained baseline (42e01f) in packetization mode 1."""
    types = {}
    for m in re.finditer(r"a=rtpmap:(\d+) H264/90000", offer_sdp):
        types[m.group(1)] = ""
    for m in re.finditer(r"a=fmtp:(\d+) (.*)", offer_sdp):
        if m.group(1) in types:
            types[m.group(1)] = m.group(2)
    for pt, fmtp in types.items():
        if "packetization-mode=1" in fmtp and "profile-level-id=42e01f" in fmtp:
            return int(pt)
    return None


def wait(promise):
    promise.wait()
    return promise.get_reply()


class Session:
    def __init__(self, offer_sdp):
        pt = h264_payload_type(offer_sdp)
        if pt is None:
            raise ValueError("the offer has no H.264 constrained baseline in packetization mode 1")
        self.pipeline = Gst.parse_launch(
            "videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=25/1 ! "
            "videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 ! "
            "video/x-h264,profile=constrained-baseline ! "
            f"rtph264pay config-interval=-1 aggregate-mode=zero-latency pt={pt} ! "
            f"application/x-rtp,media=video,encoding-name=H264,payload={pt} ! "
            "webrtcbin name=webrtc bundle-policy=max-bundle")
        self.webrtc = self.pipeline.get_by_name("webrtc")
        # PyGObject drops a reference it never took when these wrappers die (the agent would be
        # freed under webrtcbin): they live as long as the session.
        self.ice = self.webrtc.get_property("ice-agent")
        self.nice = self.ice.get_property("agent")
        loopback = Nice.Address.new()
        loopback.set_from_string("127.0.0.1")
        self.nice.add_local_address(loopback)
        self.pipeline.set_state(Gst.State.PLAYING)
        _, sdp = GstSdp.SDPMessage.new_from_text(offer_sdp)
        offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, sdp)
        wait_reply = Gst.Promise.new()
        self.webrtc.emit("set-remote-description", offer, wait_reply)
        wait(wait_reply)
        reply = wait(self._promise("create-answer"))
        answer = reply.get_value("answer")
        done = Gst.Promise.new()
        self.webrtc.emit("set-local-description", answer, done)
        wait(done)
        deadline = time.monotonic() + 5
        while (self.webrtc.get_property("ice-gathering-state") != GstWebRTC.WebRTCICEGatheringState.COMPLETE
               and time.monotonic() < deadline):
            time.sleep(0.02)
        self.answer = self.webrtc.get_property("local-description").sdp.as_text()

    def _promise(self, signal_name):
        p = Gst.Promise.new()
        self.webrtc.emit(signal_name, None, p)
        return p

    def close(self):
        self.pipeline.set_state(Gst.State.NULL)


class Handler(BaseHTTPRequestHandler):
    token = None
    refuse = ()

    def log_message(self, fmt, *args):
        sys.stderr.write("whep-standin: " + fmt % args + "\n")

    def _cors(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "OPTIONS, POST, PATCH, DELETE")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
        self.send_header("Access-Control-Expose-Headers", "Location, ETag, Link")

    def _error(self, status, message, headers=()):
        body = json.dumps({"status": "error", "error": message}).encode()
        self._reply(status, body, "application/json", headers)

    def _reply(self, status, body=b"", content_type="text/plain", headers=()):
        self.send_response(status)
        self._cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self):
        if self.token is None:
            return True
        return self.headers.get("Authorization", "") == "Bearer " + self.token

    def do_OPTIONS(self):
        self._reply(204)

    def do_POST(self):
        m = re.fullmatch(r"/([A-Za-z0-9_./-]+)/whep", self.path)
        if not m:
            return self._error(404, "not a WHEP endpoint")
        if not self._authorized():
            return self._error(401, "authentication error", [("WWW-Authenticate", 'Bearer realm="mediamtx"')])
        if self.headers.get("Content-Type", "") != "application/sdp":
            return self._error(400, "invalid Content-Type")
        offer = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        if m.group(1) in self.refuse:
            return self._error(400, "the stream doesn't contain any supported codec, which are currently "
                               "AV1, VP9, VP8, H265, H264, Opus, G722, G711, LPCM")
        try:
            session = Session(offer)
        except ValueError as e:
            return self._error(400, str(e))
        sid = str(uuid.uuid4())
        with sessions_lock:
            sessions[sid] = session
        self._reply(201, session.answer.encode(), "application/sdp",
                    [("Location", f"/{m.group(1)}/whep/{sid}"), ("ETag", '"*"')])

    def do_PATCH(self):
        self._reply(204)  # trickled candidates are not needed on loopback

    def do_DELETE(self):
        sid = self.path.rsplit("/", 1)[-1]
        with sessions_lock:
            session = sessions.pop(sid, None)
        if not session:
            return self._error(404, "no such session")
        session.close()
        self._reply(200)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port_file")
    parser.add_argument("--token")
    parser.add_argument("--refuse", action="append", default=[])
    args = parser.parse_args()
    Handler.token = args.token
    Handler.refuse = tuple(args.refuse)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file, "w") as f:
        f.write(str(server.server_address[1]))

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    # The test that started us holds our stdin: when it goes away, so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), stop()), daemon=True).start()
    server.serve_forever()
    with sessions_lock:
        for s in sessions.values():
            s.close()


if __name__ == "__main__":
    main()
