// Players. Live: WebRTC through MediaMTX's WHEP endpoint (RTCPeerConnection with receive-only
// transceivers, the SDP offer POSTed with the token, the answer applied); HLS through hls.js when
// WebRTC fails. Recorded: MediaMTX's playback server, fetched with the token (a <video src> cannot
// send an Authorization header, which is where MediaMTX reads HTTP tokens).
import { blobUrl } from './api.js';

const HLS_MODULE = new URL('../vendor/hls.js/hls.min.mjs', import.meta.url).href;
const HLS_WORKER = new URL('../vendor/hls.js/hls.worker.js', import.meta.url).href;

function bearer(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// Resolves when the video shows its first decoded frame; rejects on `failed()` or after timeoutMs.
function firstFrame(video, timeoutMs, watch) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error(`no picture after ${timeoutMs / 1000} s`)), timeoutMs);
    const unwatch = watch((error) => finish(error)) || (() => {});
    if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(() => finish());
    else video.addEventListener('playing', () => finish(), { once: true });
    video.play().catch(() => {});  // muted autoplay; a refusal leaves the frame callback waiting
  });
}

async function whepError(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body && body.error) return `HTTP ${res.status}: ${body.error}`;
  } catch {
    // MediaMTX answers JSON; anything else is shown as it is
  }
  return `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

// Waits until ICE gathering completes (host candidates on a LAN take milliseconds), at most `ms`:
// the offer then carries the candidates, and no trickle PATCH is needed.
function gathered(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

// WebRTC from a WHEP endpoint. Resolves to {kind: 'webrtc', stop()} once a frame is shown; rejects
// with an Error saying what failed (connection, HTTP status and MediaMTX's message, ICE, codec).
export async function playWhep(video, url, token, { timeoutMs = 10_000 } = {}) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  let location = null;
  const stop = () => {
    pc.close();
    if (location) fetch(location, { method: 'DELETE', headers: bearer(token) }).catch(() => {});
    location = null;
  };
  try {
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const stream = new MediaStream();
    pc.addEventListener('track', (e) => {
      stream.addTrack(e.track);
      video.srcObject = stream;
    });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 1000);
    let res;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp', ...bearer(token) },
        body: pc.localDescription.sdp,
      });
    } catch (e) {
      throw new Error(`cannot reach ${url} (${e.message})`);
    }
    if (res.status !== 201) throw new Error(`${url}: ${await whepError(res)}`);
    const where = res.headers.get('Location');
    if (where) location = new URL(where, url).href;
    const answer = await res.text();
    if (!/^m=video [1-9]/m.test(answer)) throw new Error('the answer has no video this browser can decode');
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    video.muted = true;
    video.dataset.player = 'webrtc';
    await firstFrame(video, timeoutMs, (fail) => {
      const check = () => {
        if (pc.connectionState === 'failed') fail(new Error('the WebRTC connection failed (ICE)'));
      };
      pc.addEventListener('connectionstatechange', check);
      return () => pc.removeEventListener('connectionstatechange', check);
    });
    return { kind: 'webrtc', stop };
  } catch (e) {
    stop();
    video.srcObject = null;
    delete video.dataset.player;
    throw e;
  }
}

async function loadHls() {
  try {
    return (await import(HLS_MODULE)).default;
  } catch {
    throw new Error('hls.js is not installed on this server (npm ci in examples/web)');
  }
}

// HLS through hls.js (never the browser's own HLS, so that playback is the same everywhere and the
// token can go in a header). Resolves to {kind: 'hls.js', stop()} once a frame is shown.
export async function playHls(video, url, token, { timeoutMs = 15_000 } = {}) {
  const Hls = await loadHls();
  if (!Hls.isSupported()) throw new Error('this browser has no Media Source Extensions, which hls.js needs');
  const hls = new Hls({
    workerPath: HLS_WORKER,
    liveSyncDurationCount: 2,
    xhrSetup(xhr) {
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    },
  });
  const stop = () => {
    hls.destroy();
    video.removeAttribute('src');
    video.load();
  };
  try {
    video.muted = true;
    video.dataset.player = 'hls.js';
    hls.attachMedia(video);
    hls.loadSource(url);
    await firstFrame(video, timeoutMs, (fail) => {
      const onError = (_event, data) => {
        if (!data.fatal) return;
        const code = data.response && data.response.code ? ` (HTTP ${data.response.code})` : '';
        fail(new Error(`${url}: ${data.details}${code}`));
      };
      hls.on(Hls.Events.ERROR, onError);
      return () => hls.off(Hls.Events.ERROR, onError);
    });
    return { kind: 'hls.js', stop };
  } catch (e) {
    stop();
    delete video.dataset.player;
    throw e;
  }
}

// A recording or clip from MediaMTX's playback server (fMP4). With a token the file is fetched with
// it into a blob first; without one the video streams it directly.
export async function playRecording(video, url, token) {
  const src = token ? await blobUrl(url, { token }) : url;
  if (video.src.startsWith('blob:')) URL.revokeObjectURL(video.src);
  video.dataset.player = 'playback';
  video.src = src;
  await video.play().catch(() => {});
}
