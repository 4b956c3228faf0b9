// Real media made by ffmpeg (docs/toolchain.md): fMP4 segments shaped like MediaMTX's, and an HLS
// stream with fMP4 segments. Made once per test run into a cache folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const FFMPEG = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
  '-g', '25', '-keyint_min', '25', '-sc_threshold', '0'];

// `count` segments of `seconds` each (seg_000.mp4 ...), 640x360 at 25 fps.
export function makeSegments(dir, count = 6, seconds = 2) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('ffmpeg', [...FFMPEG, 'testsrc2=size=640x360:rate=25', '-t', String(count * seconds), ...X264,
    '-f', 'segment', '-segment_time', String(seconds), '-reset_timestamps', '1', '-segment_format', 'mp4',
    '-segment_format_options', 'movflags=+frag_keyframe+empty_moov+default_base_moof+skip_trailer',
    path.join(dir, 'seg_%03d.mp4')]);
  return fs.readdirSync(dir).filter((f) => f.startsWith('seg_')).sort().map((f) => path.join(dir, f));
}

// An HLS stream (fMP4 segments) at <dir>/<name>/index.m3u8.
export function makeHls(dir, name, seconds = 12) {
  const out = path.join(dir, name);
  fs.mkdirSync(out, { recursive: true });
  execFileSync('ffmpeg', [...FFMPEG, 'testsrc2=size=640x360:rate=25', '-t', String(seconds), ...X264,
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_type', 'fmp4',
    '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', path.join(out, 'part_%03d.m4s'),
    path.join(out, 'index.m3u8')]);
  return path.join(out, 'index.m3u8');
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

// MediaMTX's file name for a segment starting at `t` (recordPath %Y-%m-%d_%H-%M-%S-%f, UTC).
export function mediamtxName(t) {
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}_${pad(t.getUTCHours())}-`
    + `${pad(t.getUTCMinutes())}-${pad(t.getUTCSeconds())}-${pad(t.getUTCMilliseconds(), 3)}000.mp4`;
}
