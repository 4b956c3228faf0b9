// The web console in Debian's Chromium against the real hook-server on 127.0.0.1, with segments
// made by ffmpeg and indexed through the hook client, MediaMTX's servers played by stand-ins:
// WHEP with real video from GStreamer's webrtcbin, HLS files made by ffmpeg, the playback server.
//
// Cameras: 1 recorded with a gap (WebRTC works), 2 recorded with an old segment about to expire
// (WebRTC refused: HLS fallback), 3 never seen (WebRTC refused, no HLS: both fail), 4 for the gap
// reasons of the timeline API.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, PHONE, launch, unnamedControls, watchConsole } from './support/browser.mjs';
import { BUILD_DIR, HookServer, eventually } from './support/hook_server.mjs';
import { makeHls, makeSegments } from './support/media.mjs';
import * as standins from './support/standins.mjs';

const TOKEN = 'console-test-token';
const ZONE = 'Asia/Kolkata';  // the browser's zone: local days and hours (UTC+5:30) are not UTC's
const SHOTS = process.env.SCREENSHOT_DIR || path.join(BUILD_DIR, 'console-screenshots');
const second = 1000;

const localDate = (t) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(t);
const iso = (ms) => new Date(ms).toISOString();

let tmp;
let server;
let browser;
let whep;
let hls;
let playback;
let t0;                 // start of camera 1's first segment
const seg = {};         // camera 1's segments by index: {id, start}

// Console errors but the `allowed` ones.
function unexpected(errors, allowed = []) {
  return errors.filter((e) => !allowed.some((re) => re.test(e.text) || re.test(e.url)));
}

async function page({ viewport = DESKTOP, token = TOKEN } = {}) {
  const p = await browser.context.newPage();
  await p.setViewportSize(viewport);
  if (token) await p.addInitScript((t) => sessionStorage.setItem('hook-server.token', t), token);
  const errors = watchConsole(p);
  return { p, errors };
}

// Types the token into the page's dialog (opened by the page itself when the server asked for one).
async function enterToken(p, token) {
  if (!(await p.locator('#token-dialog').evaluate((d) => d.open))) await p.getByRole('button', { name: /Access token/ }).click();
  await p.getByLabel('Token', { exact: true }).fill(token);
  await p.getByRole('button', { name: 'Use token' }).click();
}

async function shoot(p, name) {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// The desktop screenshot, then the same page 390 px wide: nothing scrolls sideways; a screenshot.
async function shootBoth(p, name) {
  await shoot(p, `${name}-desktop`);
  await p.setViewportSize(PHONE);
  await p.waitForTimeout(200);
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), `${name}: no sideways scrolling at 390 px`);
  await shoot(p, `${name}-phone`);
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'console-test-'));
  fs.mkdirSync(SHOTS, { recursive: true });
  const files = makeSegments(path.join(tmp, 'segments'), 6, 2);
  makeHls(path.join(tmp, 'hls'), 'camera_2', 12);
  whep = await standins.whep({ refuse: ['camera_2', 'camera_3'] });
  hls = await standins.hls(path.join(tmp, 'hls'));
  const recorded = [];
  playback = await standins.playback(recorded);
  server = new HookServer({
    token: TOKEN,
    urls: { hls: hls.url, webrtc: whep.url, playback: playback.url },
    cameras: [
      { id: '1', name: 'Front door', plan: 'pro' },
      { id: '2', name: 'Garage', plan: 'basic' },
      { id: '3', name: 'Back yard', plan: 'basic' },
      { id: '4', name: 'Side gate', plan: 'basic' },
    ],
  });
  await server.start();
  browser = await launch({ timezoneId: ZONE });

  // Camera 1: three segments, a 14 s gap, two more; the newest ends ~6 s ago (a live snapshot).
  t0 = Math.floor(Date.now() / second) * second - 30 * second;
  await server.available('camera_1');
  const layout = [0, 2, 4, 20, 22];
  for (const [i, offset] of layout.entries()) {
    const start = new Date(t0 + offset * second);
    const file = await server.recordSegment('camera_1', files[i], start, 2);
    recorded.push({ path: 'camera_1', file, start, seconds: 2 });
  }
  // Camera 2: one recent segment, and one 6.5 days old that its 7-day plan expires within a day.
  await server.available('camera_2');
  await server.recordSegment('camera_2', files[5], new Date(t0 + 10 * second), 2);
  await server.recordSegment('camera_2', files[0], new Date(Date.now() - 6.5 * 86400e3), 2);

  const list = (await server.get(`/api/cameras/1/recordings?from=${iso(t0 - 60e3)}&to=${iso(Date.now())}`)).recordings;
  assert.equal(list.length, 5);
  for (const [i, r] of list.entries()) seg[i] = { id: r.id, start: Date.parse(r.start) };
  // A capture now (as the server's scheduler does every snapshots.refresh), from the recordings.
  for (const id of ['1', '2']) {
    const r = await server.fetch('GET', `/api/cameras/${id}/snapshot.jpg?fresh=1`);
    assert.equal(r.status, 200, `snapshot of camera ${id}: ${r.status} ${r.headers.get('x-snapshot-error') || await r.text()}`);
  }
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await whep?.close();
  await hls?.close();
  await playback?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('grid', () => {
  test('shows every camera with a decoded snapshot, status, plan and footage held', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/`);
    assert.match(p.url(), /\/ui\/#?$|\/ui\/$/);
    const cards = p.locator('li.card');
    await cards.first().waitFor();
    assert.deepEqual(await p.locator('li.card h2').allTextContents(), ['Front door', 'Garage', 'Back yard', 'Side gate']);
    const thumb = p.locator('li.card[data-camera="1"] img.thumb');
    await thumb.waitFor({ state: 'visible' });
    assert.ok(await thumb.evaluate((img) => img.complete && img.naturalWidth > 0), 'the snapshot decodes');
    assert.equal(await thumb.evaluate((img) => img.naturalWidth), 640);
    assert.ok(await p.locator('li.card[data-camera="2"] img.thumb').evaluate((img) => img.naturalWidth > 0));
    // Camera 1 is up: "available", or "starting" while the watchdog waits for its first segment
    // after the available hook (recording_state idle, within watchdog.grace).
    assert.match(await p.locator('li.card[data-camera="1"] .badge').textContent(), /^(available|starting) (just now|for \d+ s)$/);
    // With recording_state (issue 12) the badge follows it: state, since and detail.
    const state = (await server.get('/api/cameras/1')).recording_state;
    if (state) assert.match(await p.locator('li.card[data-camera="1"] .badge').getAttribute('class'), new RegExp(`badge ${state.state}$`));
    assert.match(await p.locator('li.card[data-camera="3"] .badge').textContent(), /^offline/);
    assert.equal(await p.locator('li.card[data-camera="3"] .placeholder').textContent(), 'No picture yet');
    assert.match(await p.locator('li.card[data-camera="1"] .facts').textContent(), /^Planpro \(15 d\)Footage(\d+ s|\d+ min( \d+ s)?) held$/);
    assert.equal(await p.locator('li.card[data-camera="2"] .held').textContent(), '6.5 d held');
    assert.deepEqual(await unnamedControls(p), []);
    await shootBoth(p, 'grid');
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('the token typed by the user is kept in sessionStorage only and sent with every API call', async () => {
    const { p, errors } = await page({ token: '' });
    const sent = [];
    p.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) sent.push(r.headers().authorization || '');
    });
    await p.goto(`${server.url}/ui/#/admin`);
    await p.locator('#view[data-loaded="true"]').waitFor();
    assert.ok(sent.length > 0 && sent.every((a) => a === ''), 'no token before the user gives one');
    // The server lets nobody in (access.mode jwt): the page asks for the token itself, and the
    // only errors before the user gives it are the API's 401s.
    const anonymous = await fetch(`${server.url}/api/cameras`, { headers: { Connection: 'close' } });
    assert.equal(anonymous.status, 401);
    assert.equal(await p.locator('#token-dialog').evaluate((d) => d.open), true);
    assert.ok(errors.some((e) => /status of 401/.test(e.text)), JSON.stringify(errors));
    assert.deepEqual(unexpected(errors, [/status of 401/]), []);
    errors.length = 0;
    sent.length = 0;
    await enterToken(p, TOKEN);
    await p.locator('#view[data-loaded="true"]').waitFor();
    assert.equal(await p.evaluate(() => sessionStorage.getItem('hook-server.token')), TOKEN);
    assert.equal(await p.evaluate(() => localStorage.length), 0);
    assert.equal(await p.getByRole('button', { name: 'Access token (set for this tab)' }).count(), 1);
    assert.ok(sent.length > 0 && sent.every((a) => a === `Bearer ${TOKEN}`), `every call carries it: ${JSON.stringify(sent)}`);
    // The page's own files embed no token.
    for (const file of ['index.html', 'js/main.js', 'js/api.js']) {
      const text = await (await fetch(`${server.url}/ui/${file}`, { headers: { Connection: 'close' } })).text();
      assert.ok(text.length > 100 && !text.includes(TOKEN), file);
    }
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });
});

describe('sample configuration', () => {
  test('a newcomer running the sample config sees its two cameras', async () => {
    const sample = new HookServer({ sample: true, env: { HOOK_SERVER_API_TOKEN: 'newcomer-admin-token' } });
    // A browser of its own, closed before the server stops: the server's stop waits for idle
    // kept-alive connections, which a browser keeps for the whole run.
    const own = await launch({ timezoneId: ZONE });
    try {
      await sample.start();
      const p = await own.context.newPage();
      const errors = watchConsole(p);
      await p.goto(`${sample.url}/`);
      await p.locator('#view[data-loaded="true"]').waitFor();
      // The sample config runs in access.mode jwt: the page asks for the admin token first.
      assert.equal(await p.locator('#token-dialog').evaluate((d) => d.open), true);
      assert.deepEqual(unexpected(errors, [/status of 401/]), []);
      errors.length = 0;
      await enterToken(p, 'newcomer-admin-token');
      await p.locator('#view[data-loaded="true"]').waitFor();
      assert.deepEqual(await p.locator('li.card h2').allTextContents(), ['Front door', 'Garage']);
      assert.deepEqual(await p.locator('li.card .placeholder').allTextContents(), ['No picture yet', 'No picture yet']);
      assert.deepEqual(await p.locator('li.card .badge').allTextContents(), ['offline', 'offline']);
      assert.deepEqual(unexpected(errors), []);
    } finally {
      await own.close();
      await sample.stop();
    }
  });
});

describe('live view', () => {
  test('plays WebRTC from the WHEP endpoint: decoded frames', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/live/1`);
    const video = p.locator('video.live');
    await eventually(() => video.evaluate((v) => v.getVideoPlaybackQuality().totalVideoFrames > 10), 15_000, 'WebRTC frames');
    assert.equal(await video.getAttribute('data-player'), 'webrtc');
    assert.equal(await video.evaluate((v) => v.videoWidth), 640);
    assert.equal(await p.locator('#live-status').textContent(), 'Live over WebRTC.');
    assert.deepEqual(await unnamedControls(p), []);
    await shootBoth(p, 'live');
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('falls back to hls.js when WHEP refuses the stream: the video plays', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/live/2`);
    const video = p.locator('video.live');
    await eventually(() => video.evaluate((v) => v.dataset.player === 'hls.js' && v.currentTime > 0), 20_000, 'HLS playing');
    const t1 = await video.evaluate((v) => v.currentTime);
    await p.waitForTimeout(1500);
    const t2 = await video.evaluate((v) => v.currentTime);
    assert.ok(t2 - t1 > 0.8, `currentTime advances (${t1} -> ${t2})`);
    // hls.js plays through Media Source, not the browser's own HLS (src would be the playlist).
    assert.match(await video.evaluate((v) => v.src), /^blob:/);
    assert.ok(await video.evaluate((v) => v.getVideoPlaybackQuality().totalVideoFrames > 0));
    assert.match(await p.locator('#live-status').textContent(), /^Live over HLS \(hls\.js\): WebRTC: .*doesn't contain any supported codec/);
    assert.ok(hls.requests.some((r) => r.url === '/camera_2/index.m3u8' && r.authorization.startsWith('Bearer ')), 'HLS requests carry the token');
    // The refused WHEP offer is the one error the page may log.
    assert.deepEqual(unexpected(errors, [/status of 400/]), []);
    await p.close();
  });

  test('MediaMTX gets a short-lived viewer token from POST /api/tokens, not the admin token', async (t) => {
    const { p, errors } = await page();
    const sent = [];
    p.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/camera_1/whep')) sent.push(r.headers().authorization || '');
    });
    await p.goto(`${server.url}/ui/#/live/1`);
    await eventually(() => sent.length > 0, 15_000, 'WHEP offer');
    assert.match(sent[0], /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    assert.notEqual(sent[0], `Bearer ${TOKEN}`);
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('says why when WebRTC and HLS both fail', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/live/3`);
    const status = p.locator('#live-status[data-failed="true"]');
    await status.waitFor({ timeout: 20_000 });
    const text = await status.textContent();
    assert.match(text, /^Cannot play this camera live\. WebRTC: .*\/camera_3\/whep: HTTP 400: the stream doesn't contain any supported codec/);
    assert.match(text, /HLS: .*\/camera_3\/index\.m3u8: manifestLoadError \(HTTP 404\)\.$/);
    assert.deepEqual(unexpected(errors, [/status of 400/, /status of 404/]), []);
    await p.close();
  });
});

describe('recordings', () => {
  const dayUrl = () => `${server.url}/ui/#/recordings/1?date=${localDate(t0)}`;

  async function open(viewport) {
    const r = await page({ viewport });
    await r.p.goto(dayUrl());
    await r.p.locator('#view[data-loaded="true"]').waitFor();
    return r;
  }

  test('the day timeline shows the footage spans and the gap between them', async () => {
    const { p, errors } = await open(DESKTOP);
    const spans = await p.locator('.timeline-bar .span').evaluateAll((els) => els.map((e) => [e.dataset.start, e.dataset.end]));
    assert.deepEqual(spans.map(([s, e]) => [Date.parse(s), Date.parse(e)]), [[t0, t0 + 6 * second], [t0 + 20 * second, t0 + 24 * second]]);
    const gaps = await p.locator('.timeline-bar .gap').evaluateAll((els) => els.map((e) => [Date.parse(e.dataset.start), Date.parse(e.dataset.end)]));
    assert.ok(gaps.some(([s, e]) => s === t0 + 6 * second && e === t0 + 20 * second), 'the 14 s gap');
    // The gaps and spans tile the day up to now.
    const dayStart = Date.parse(await p.evaluate(() => document.querySelector('.timeline-bar .gap').dataset.start));
    assert.equal(new Date(dayStart).toLocaleString('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit' }), '00:00');
    assert.match(await p.locator('.legend').textContent(), /footage 10 s/);
    // Zoomed to the hour of the footage, the spans are wide enough to see and to select.
    const hour = await p.evaluate((t) => new Date(t).setMinutes(0, 0, 0), t0);
    await p.getByLabel('Timeline range').selectOption(String(hour));
    const widths = await p.locator('.timeline-bar .span').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    assert.ok(widths.length >= 1 && widths.every((w) => w > 0.5), `span widths ${widths}`);
    assert.match(await p.locator('.timeline-ticks').textContent(), /:10.*:20.*:30/);
    // The month view marks the day.
    const cell = p.locator(`.month button[data-date="${localDate(t0)}"]`);
    assert.equal(await cell.getAttribute('aria-pressed'), 'true');
    assert.match(await cell.getAttribute('class'), /has-footage/);
    // Drawn from the timeline and days APIs where the server has them, else from the recordings.
    const notes = await p.locator('.panel p.muted').allTextContents();
    // The server has the timeline and days APIs: the page derives nothing from the listing.
    assert.equal(notes.some((n) => /need a hook-server with the timeline API/.test(n)), false);
    assert.equal(notes.includes('Coverage computed from the recordings list.'), false);
    assert.deepEqual(await unnamedControls(p), []);
    await shootBoth(p, 'recordings');
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('the permanent toggle changes the recording in the API, both ways', async () => {
    const { p, errors } = await open(DESKTOP);
    const box = p.locator(`tr[data-recording="${seg[1].id}"] input[type=checkbox]`);
    assert.equal(await box.isChecked(), false);
    await box.check();
    await eventually(async () => (await server.get(`/api/recordings/${seg[1].id}`)).permanent === true, 5000, 'permanent');
    await eventually(async () => /never \(permanent\)/.test(await p.locator(`tr[data-recording="${seg[1].id}"]`).textContent()), 5000, 'row says permanent');
    await box.uncheck();
    await eventually(async () => (await server.get(`/api/recordings/${seg[1].id}`)).permanent === false, 5000, 'back in the cycle');
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('a range selected on the timeline becomes a permanent clip', async () => {
    const { p, errors } = await open(DESKTOP);
    const bar = p.locator('.timeline-bar');
    const box = await bar.boundingBox();
    const dayStart = await p.evaluate(() => Date.parse(document.querySelector('.timeline-bar .gap').dataset.start));
    const x = (ms) => box.x + ((ms - dayStart) / 86400e3) * box.width;
    // A day is ~750 px here (~2 min a pixel): drag across the 40 minutes around the footage, kept
    // inside the local day shown (run just after its midnight, the 30 minutes before t0 are the
    // day before, off the bar: the selection was empty, or ended on the next day).
    const a = Math.max(t0 - 30 * 60e3, dayStart + 1000);
    const b = Math.min(t0 + 10 * 60e3, dayStart + 86400e3 - 1000);
    await p.mouse.move(x(a), box.y + box.height / 2);
    await p.mouse.down();
    await p.mouse.move(x(b), box.y + box.height / 2, { steps: 5 });
    await p.mouse.up();
    const from = await p.locator('#clip-from').inputValue();
    const to = await p.locator('#clip-to').inputValue();
    assert.match(from, /^\d\d:\d\d:\d\d$/);
    await p.locator('#clip-label').fill('doorbell');
    await p.getByRole('button', { name: 'Keep as clip' }).click();
    const clip = await eventually(async () => (await server.get('/api/clips?camera=1')).clips.find((c) => c.label === 'doorbell'), 5000, 'clip');
    const local = (s) => new Date(s).toLocaleTimeString('en-GB', { timeZone: ZONE, hour12: false });
    assert.deepEqual([local(clip.from), local(clip.to)], [from, to]);
    assert.ok(Date.parse(clip.from) <= t0 && Date.parse(clip.to) >= t0 + 24 * second, 'the clip covers the footage');
    // Its recordings are protected: none of them expires while the clip exists.
    const detail = await server.get(`/api/clips/${clip.id}`);
    assert.equal(detail.recordings.length, 5);
    await p.locator(`ul.clips li[data-clip="${clip.id}"]`).waitFor();
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('a recording plays through the playback server with the token', async () => {
    const { p, errors } = await open(DESKTOP);
    await p.getByRole('button', { name: /^Play the recording of .*/ }).first().click();
    const video = p.locator('video.playback');
    await eventually(() => video.evaluate((v) => v.videoWidth === 640 && v.currentTime > 0.3), 10_000, 'recording playing');
    const got = playback.requests.filter((r) => r.method === 'GET' && r.url.startsWith('/get?path=camera_1'));
    assert.ok(got.length > 0 && got.every((r) => r.authorization.startsWith('Bearer ')), 'playback requests carry a token');
    assert.match(await p.locator('#playback-status').textContent(), /^Playing the recording of /);
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('a clip plays through the playback server', async () => {
    const made = await server.request('POST', '/api/cameras/1/clips', { from: iso(t0 + 19 * second), to: iso(t0 + 23 * second), label: 'gate' });
    assert.equal(made.status, 201);
    const { p, errors } = await open(DESKTOP);
    await p.getByRole('button', { name: /^Play clip "gate"/ }).click();
    const video = p.locator('video.playback');
    await eventually(() => video.evaluate((v) => v.videoWidth === 640 && v.currentTime > 0.3), 10_000, 'clip playing');
    const asked = playback.requests.filter((r) => r.url.startsWith('/get?path=camera_1')).at(-1);
    assert.equal(new URL(asked.url, 'http://x').searchParams.get('start'), new Date(t0 + 19 * second).toISOString().replace('Z', '000Z'));
    assert.match(await p.locator('#playback-status').textContent(), /^Playing clip "gate"/);
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('"expiring soon" lists what the retention deletes within a day', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/recordings/2`);
    await p.locator('#view[data-loaded="true"]').waitFor();
    await p.getByLabel('Only expiring soon').check();
    await p.locator('#list-title', { hasText: 'Expiring within' }).waitFor();
    const rows = p.locator('table.recordings tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /in 1[12] h/);
    const api = (await server.get('/api/recordings/expiring?camera=2')).recordings;
    assert.equal(String(api[0].id), await rows.first().getAttribute('data-recording'));
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('the timeline gives each gap its reason (offline while the camera was unavailable)', async (t) => {
    const files = fs.readdirSync(path.join(tmp, 'segments')).map((f) => path.join(tmp, 'segments', f));
    const a = Date.now();
    await server.available('camera_4');
    await server.recordSegment('camera_4', files[0], new Date(a), 2);
    await new Promise((r) => setTimeout(r, 2500));
    const b = Date.now();
    await server.hook('unavailable', { MTX_PATH: 'camera_4', MTX_SOURCE_TYPE: 'rtspSource', MTX_SOURCE_ID: '' });
    await new Promise((r) => setTimeout(r, 3000));
    const c = Date.now();
    await server.available('camera_4');
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/recordings/4?date=${localDate(a)}`);
    await p.locator('#view[data-loaded="true"]').waitFor();
    const offline = await p.locator('.timeline-bar .gap.offline').evaluateAll((els) => els.map((e) => [Date.parse(e.dataset.start), Date.parse(e.dataset.end)]));
    assert.ok(offline.some(([s, e]) => Math.abs(s - b) < 1500 && Math.abs(e - c) < 1500), `an offline gap from ${iso(b)} to ${iso(c)}: ${JSON.stringify(offline)}`);
    assert.match(await p.locator('.legend').textContent(), /camera offline/);
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });
});

describe('admin', () => {
  test('shows the storage report', async (t) => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/admin`);
    await p.locator('#view[data-loaded="true"]').waitFor();
    const report = await server.get('/api/storage');
    const rows = p.locator('section[aria-labelledby="adm-storage"] tbody tr');
    assert.equal(await rows.count(), report.cameras.length);
    assert.match(await rows.first().textContent(), new RegExp(`^${report.cameras[0].camera_id}${report.cameras[0].plan}`));
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });

  test('adds a camera, changes its plan and stops it; the API agrees at each step', async () => {
    const { p, errors } = await page();
    await p.goto(`${server.url}/ui/#/admin`);
    await p.locator('#view[data-loaded="true"]').waitFor();
    await p.getByLabel('Camera id').fill('9');
    await p.getByLabel('Name', { exact: true }).fill('Loading dock');
    await p.getByLabel('Stream URL').fill('rtsp://127.0.0.1:9/dock');
    await p.getByLabel('Plan', { exact: true }).fill('premium');
    await p.getByRole('button', { name: 'Add camera' }).click();
    await eventually(async () => (await server.request('GET', '/api/cameras/9')).status === 200, 5000, 'camera 9 added');
    assert.equal((await server.get('/api/cameras/9')).plan, 'premium');

    const plan = p.getByLabel('Plan of Loading dock');
    await plan.selectOption('basic');
    await eventually(async () => (await server.get('/api/cameras/9')).plan === 'basic', 5000, 'plan changed');
    assert.ok(await p.getByLabel('Plan of Front door').isDisabled(), 'cameras of hook-server.yml are changed in that file');

    await p.getByLabel('Select Loading dock').check();
    await p.getByRole('button', { name: 'Stop selected' }).click();
    await eventually(async () => (await server.get('/api/cameras/9')).removed_at !== null, 5000, 'camera 9 stopped');
    await eventually(async () => (await p.getByLabel('Select Loading dock').count()) === 0, 5000, 'gone from the list');
    assert.match(await p.locator('#adm-audit').textContent(), /^Audit/);
    assert.equal(await p.getByLabel('Record').isChecked(), true, 'the form is ready for the next camera');
    assert.deepEqual(await unnamedControls(p), []);
    await shootBoth(p, 'admin');
    assert.deepEqual(unexpected(errors), []);
    await p.close();
  });
});
