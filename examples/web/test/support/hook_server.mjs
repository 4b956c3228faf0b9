// The real hook-server on 127.0.0.1, started from a temp config, fed by its own hook client the way
// MediaMTX runs it (same argv and MTX_* environment), and stopped by the test's teardown.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { mediamtxName } from './media.mjs';

const run = promisify(execFile);
export const SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const BUILD_DIR = path.resolve(SOURCE_DIR, process.env.BUILD_DIR || 'build');
export const BIN = path.join(BUILD_DIR, 'hook-server', 'hook-server');

export class HookServer {
  // `urls`: MediaMTX's public bases for the config; `token`: server.api_token. With `sample`, the
  // sample configuration examples/hook-server.yml instead, its files moved into a temp folder.
  constructor({ urls = {}, token = '', cameras = [], sample = false, env = {} }) {
    this.env = env;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-server-web-'));
    this.token = token;
    this.workingDir = path.join(this.dir, 'mtx');
    this.config = path.join(this.dir, 'hook-server.yml');
    fs.mkdirSync(path.join(this.workingDir, 'recordings'), { recursive: true });
    const cams = cameras.map((c) => `  - {id: "${c.id}", name: "${c.name}", source: "rtsp://127.0.0.1:9/${c.id}", plan: ${c.plan}}`);
    this.yaml = (port) => `server:
  listen: 127.0.0.1:${port}
  api_token: "${token}"
data_dir: ./var
reconcile_interval: 1h
mediamtx:
  working_dir: ./mtx
  timezone: UTC
  hook_command: ${BIN}
  base_config: ${SOURCE_DIR}/mediamtx-config/base.yml
  output: ./mediamtx.yml
  urls: {rtsp: "rtsp://127.0.0.1:9", hls: "${urls.hls}", webrtc: "${urls.webrtc}", playback: "${urls.playback}"}
snapshots:
  sources: [recording]
cameras:
${cams.join('\n')}
`;
    if (sample) {
      const text = fs.readFileSync(path.join(SOURCE_DIR, 'examples', 'hook-server.yml'), 'utf8')
        .replace('../mediamtx-config/base.yml', path.join(SOURCE_DIR, 'mediamtx-config', 'base.yml'))
        .replace('../mediamtx-config/mediamtx.yml', './mediamtx.yml');
      this.yaml = (port) => text.replace('listen: 127.0.0.1:9980', `listen: 127.0.0.1:${port}`);
    }
  }

  async start() {
    fs.writeFileSync(this.config, this.yaml(0));
    // Through a shell that stops the server when its stdin (this process's pipe) closes: the server
    // goes with the test even when the test itself is killed.
    const script = '"$0" serve --config "$1" </dev/null & pid=$!; cat >/dev/null; kill -TERM $pid 2>/dev/null; wait $pid';
    this.proc = spawn('/bin/sh', ['-c', script, BIN, this.config], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    this.log = '';
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hook-server did not start:\n${this.log}`)), 15_000);
      const read = (chunk) => {
        this.log += chunk;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      this.proc.stdout.on('data', read);
      this.proc.stderr.on('data', read);
      this.proc.on('exit', (code) => reject(new Error(`hook-server exited with ${code}:\n${this.log}`)));
    });
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    // The hook client reads the server's address from the config.
    fs.writeFileSync(this.config, this.yaml(port));
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.stdin.end();
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // A request with the admin token. Connection: close, as an idle kept-alive connection holds up
  // the server's stop for seconds.
  fetch(method, route, body) {
    return fetch(this.url + route, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, Connection: 'close', ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  // The JSON API with the admin token. Returns {status, body}.
  async request(method, route, body) {
    const res = await this.fetch(method, route, body);
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  async get(route) {
    const r = await this.request('GET', route);
    if (r.status !== 200) throw new Error(`GET ${route}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  // `hook-server hook <event>` with MediaMTX's environment, from MediaMTX's working directory.
  async hook(event, vars) {
    const env = { PATH: process.env.PATH, RTSP_PORT: '8554', ...vars, RTSP_PATH: vars.MTX_PATH };
    await run(BIN, ['hook', event, '--config', this.config], { env, cwd: this.workingDir });
  }

  async available(pathName) {
    await this.hook('available', { MTX_PATH: pathName, MTX_QUERY: '', MTX_SOURCE_TYPE: 'rtspSource', MTX_SOURCE_ID: '' });
  }

  // Copies `file` to MediaMTX's name for `start` and announces it (create, then complete).
  async recordSegment(pathName, file, start, seconds) {
    const rel = `./recordings/${pathName}/${mediamtxName(start)}`;
    fs.mkdirSync(path.join(this.workingDir, 'recordings', pathName), { recursive: true });
    fs.copyFileSync(file, path.join(this.workingDir, rel));
    await this.hook('segment-create', { MTX_PATH: pathName, MTX_SEGMENT_PATH: rel });
    await this.hook('segment-complete', { MTX_PATH: pathName, MTX_SEGMENT_PATH: rel, MTX_SEGMENT_DURATION: seconds.toFixed(6) });
    return path.join(this.workingDir, rel);
  }
}

// Polls `fn` until it returns a truthy value (returned), or throws after `ms`.
export async function eventually(fn, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
