#!/usr/bin/python3
"""A camera-like RTSP server on 127.0.0.1 for snapshot tests and benchmarks (docs: toolchain.md,
"An RTSP server for end-to-end tests"). GStreamer's RTSP server serves a live H.264 test pattern on
each --path; every other path answers 404, like MediaMTX for a path with no stream.

A built-in "keeper" reader holds each stream open, so the stream runs before any test client comes
(as a camera's stream runs in MediaMTX), and the stream is made to look like a camera's: not
seekable (GStreamer would restart the shared pipeline on every PLAY) and deaf to force-key-unit
requests (a camera behind MediaMTX never makes an IDR for a new reader): a new reader joins mid-GOP and waits for the next IDR, uniformly 0..GOP.

It prints "READY <port>" on stdout once it accepts connections, and exits by itself when stdin
reaches EOF (the parent died or closed the pipe), on SIGTERM/SIGINT, or after --lifetime seconds.
Run it with /usr/bin/python3 (Debian's python3-gi), never a pyenv python.
"""
import argparse
import os
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--path", action="append", default=[], help="mount point, e.g. camera_1 (repeatable)")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    ap.add_argument("--fps", type=int, default=25)
    ap.add_argument("--gop", type=int, default=25, help="frames between IDRs (x264enc key-int-max)")
    ap.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    ap.add_argument("--no-keeper", action="store_true", help="start each stream only when a client comes")
    ap.add_argument("--forced-keyframes", action="store_true",
                    help="let a joining reader force an IDR (GStreamer's default; cameras do not)")
    args = ap.parse_args()
    paths = args.path or ["camera_1"]

    Gst.init(None)
    loop = GLib.MainLoop()
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    launch = (
        "( videotestsrc is-live=true pattern=smpte ! "
        f"video/x-raw,width={args.width},height={args.height},framerate={args.fps}/1 ! "
        f"x264enc name=enc tune=zerolatency speed-preset=ultrafast key-int-max={args.gop} ! "
        "rtph264pay name=pay0 pt=96 config-interval=0 )"
    )
    # GStreamer's RTSP server seeks a seekable shared media on every PLAY (restarting the encoder:
    # an IDR for each new reader) and new readers may ask for a key unit. A camera does neither:
    # the encoder's output answers "not seekable" and force-key-unit events are dropped before it.
    def camera_like(pad, info):
        if info.type & Gst.PadProbeType.QUERY_UPSTREAM:
            query = info.get_query()
            if query is not None and query.type == Gst.QueryType.SEEKING:
                return Gst.PadProbeReturn.HANDLED  # answered as created: seekable=FALSE
            return Gst.PadProbeReturn.OK
        event = info.get_event()
        st = event.get_structure() if event is not None else None
        if st is not None and st.get_name() == "GstForceKeyUnit":
            return Gst.PadProbeReturn.DROP
        return Gst.PadProbeReturn.OK

    def on_media_configure(factory, media):
        enc = media.get_element().get_by_name("enc")
        if enc is not None and not args.forced_keyframes:
            enc.get_static_pad("src").add_probe(
                Gst.PadProbeType.EVENT_UPSTREAM | Gst.PadProbeType.QUERY_UPSTREAM, camera_like)

    for p in paths:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.connect("media-configure", on_media_configure)
        factory.set_launch(launch)
        factory.set_shared(True)
        factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
        mounts.add_factory("/" + p.strip("/"), factory)

    if server.attach(None) == 0:
        print("ERROR cannot attach the RTSP server", flush=True)
        return 1
    port = server.get_bound_port()

    keepers = []
    if not args.no_keeper:
        for p in paths:
            pipe = Gst.parse_launch(
                f"rtspsrc location=rtsp://127.0.0.1:{port}/{p.strip('/')} protocols=tcp latency=0 ! fakesink sync=false"
            )
            pipe.set_state(Gst.State.PLAYING)
            keepers.append(pipe)

    def quit_loop(*_):
        loop.quit()
        return False

    # EOF or an error on stdin: the parent is gone.
    GLib.io_add_watch(sys.stdin.fileno(), GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR,
                      lambda fd, cond: (os.read(fd, 4096) != b"") or quit_loop())
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, quit_loop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, quit_loop)
    GLib.timeout_add(int(args.lifetime * 1000), quit_loop)

    print(f"READY {port}", flush=True)
    loop.run()
    for pipe in keepers:
        pipe.set_state(Gst.State.NULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
