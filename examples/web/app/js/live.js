// The live view of one camera: WebRTC (WHEP) first, hls.js when WebRTC fails, and a message saying
// why when both fail. The snapshot is the cover while the stream starts.
import { api, blobUrl, mediaToken } from './api.js';
import { cameraState, coverPicture } from './camera_state.js';
import { busy, clear, h } from './dom.js';
import { playHls, playWhep } from './player.js';

export function mount(view, { id }) {
  const video = h('video', { class: 'live', playsinline: true, muted: true, autoplay: true, controls: true, 'aria-label': 'Live video' });
  const status = h('p', { id: 'live-status', class: 'player-status', role: 'status' }, 'Loading…');
  const title = h('h1', {}, `Camera ${id}`);
  const badge = h('span', { class: 'badge' });
  const urls = h('dl', { class: 'facts urls' });
  const retry = h('button', { type: 'button', onclick: () => busy(retry, () => start('auto')) }, 'Try WebRTC again');
  const useHls = h('button', { type: 'button', class: 'secondary', onclick: () => busy(useHls, () => start('hls')) }, 'Use HLS');
  clear(view,
    h('p', {}, h('a', { href: '#/cameras' }, '← All cameras')),
    h('div', { class: 'title-row' }, title, badge),
    h('div', { class: 'player' }, video),
    status,
    h('div', { class: 'row' }, retry, useHls,
      h('a', { class: 'button secondary', href: `#/recordings/${encodeURIComponent(id)}` }, 'Recordings')),
    h('details', {}, h('summary', {}, 'Stream URLs'), urls));

  let camera = null;
  let session = null;
  let generation = 0;
  let cover = null;

  function stopSession() {
    if (session) session.stop();
    session = null;
  }

  async function start(mode) {
    if (!camera) return undefined;
    const mine = ++generation;
    stopSession();
    delete status.dataset.failed;
    const token = await mediaToken(camera.id);
    const reasons = [];
    if (mode !== 'hls') {
      status.textContent = 'Connecting over WebRTC…';
      try {
        const s = await playWhep(video, camera.urls.whep, token);
        if (mine !== generation) return s.stop();
        session = s;
        status.textContent = 'Live over WebRTC.';
        return undefined;
      } catch (e) {
        if (mine !== generation) return undefined;
        reasons.push(`WebRTC: ${e.message}`);
        status.textContent = `WebRTC failed (${e.message}); trying HLS…`;
      }
    }
    try {
      const s = await playHls(video, camera.urls.hls, token);
      if (mine !== generation) return s.stop();
      session = s;
      status.textContent = reasons.length ? `Live over HLS (hls.js): ${reasons[0]}` : 'Live over HLS (hls.js).';
    } catch (e) {
      if (mine !== generation) return undefined;
      reasons.push(`HLS: ${e.message}`);
      status.textContent = `Cannot play this camera live. ${reasons.join('. ')}.`;
      status.dataset.failed = 'true';
    }
    return undefined;
  }

  (async () => {
    try {
      camera = await api(`/api/cameras/${encodeURIComponent(id)}`);
    } catch (e) {
      status.textContent = `Cannot load camera ${id}: ${e.message}`;
      return;
    }
    title.textContent = camera.name;
    const st = cameraState(camera);
    badge.className = `badge ${st.key}`;
    badge.textContent = st.label;
    clear(urls, Object.entries(camera.urls).map(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))]));
    const picture = coverPicture(camera);
    if (picture) {
      blobUrl(picture.url, { cache: picture.cached ? 'default' : 'no-store' }).then((u) => {
        cover = u;
        if (!video.srcObject && !video.src) video.poster = u;
      }, () => {});
    }
    await start('auto');
  })();

  return () => {
    generation++;
    stopSession();
    if (cover) URL.revokeObjectURL(cover);
  };
}
