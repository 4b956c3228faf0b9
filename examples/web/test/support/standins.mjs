// Stand-ins for MediaMTX's HTTP servers, on 127.0.0.1, each with the CORS headers MediaMTX sends:
//  - hls(): its HLS server for a folder of ffmpeg-made HLS streams (/<path>/index.m3u8);
//  - playback(): its playback server's GET /get?path=&start=&duration=, answering with the first
//    recorded fMP4 segment overlapping the range (MediaMTX remuxes the whole range from `start`;
//    one segment is enough to play here), 404 with MediaMTX's message when none does;
//  - whep(): WHEP with real video from GStreamer's webrtcbin (whep_standin.py); the paths in
//    `refuse` get MediaMTX's 400 for a stream whose codec cannot go over WebRTC.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function cors(res, headers) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'OPTIONS, GET, POST, PATCH, DELETE');
  res.setHeader('Access-Control-Allow-Headers', headers);
  res.setHeader('Access-Control-Expose-Headers', 'ETag, ID, Accept-Patch, Link, Location');
}

async function serve(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization || '' });
    handler(req, res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

const TYPES = { '.m3u8': 'application/vnd.apple.mpegurl', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment' };

export function hls(root) {
  return serve((req, res) => {
    cors(res, 'Authorization, Range, Content-Type, If-Match');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    const file = path.join(root, path.normalize(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    return fs.createReadStream(file).pipe(res);
  });
}

// `segments`: [{path: 'camera_1', file, start: Date, seconds}].
export function playback(segments) {
  return serve((req, res) => {
    cors(res, 'Authorization');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    const url = new URL(req.url, 'http://x');
    const start = Date.parse(url.searchParams.get('start') || '');
    const end = start + Number(url.searchParams.get('duration')) * 1000;
    const seg = url.pathname === '/get' && segments
      .filter((s) => s.path === url.searchParams.get('path') && s.start.getTime() < end && s.start.getTime() + s.seconds * 1000 > start)
      .sort((a, b) => a.start - b.start)[0];
    if (!seg) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ status: 'error', error: 'no recording segments found for the given timestamp' }));
    }
    res.writeHead(200, { 'Content-Type': 'video/mp4' });
    return fs.createReadStream(seg.file).pipe(res);
  });
}

export async function whep({ refuse = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whep-standin-'));
  const portFile = path.join(dir, 'port');
  const proc = spawn('/usr/bin/python3', [path.join(HERE, 'whep_standin.py'), portFile, ...refuse.flatMap((p) => ['--refuse', p])], { stdio: ['pipe', 'inherit', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => {
    log += d;
  });
  const end = Date.now() + 10_000;
  while (!(fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8'))) {
    if (proc.exitCode !== null || Date.now() > end) throw new Error(`WHEP stand-in did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}`,
    log: () => log,
    close: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.stdin.end();  // it exits when its stdin closes
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
