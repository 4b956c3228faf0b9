// The camera grid: a snapshot thumbnail per camera (refreshed periodically through the snapshot
// endpoint), its name, a status badge with the time since, its plan and the days of footage held.
import { api, blobUrl } from './api.js';
import { cameraState, coverPicture, daysHeld } from './camera_state.js';
import { clear, h } from './dom.js';
import { duration, localDateTime } from './format.js';

const LIST_EVERY_MS = 10_000;
const SNAPSHOT_EVERY_MS = 20_000;

function badge(camera) {
  const st = cameraState(camera);
  const age = st.since ? (Date.now() - Date.parse(st.since)) / 1000 : null;
  const since = age === null ? '' : age < 60 ? ' just now' : ` for ${duration(age)}`;
  return h('span', {
    class: `badge ${st.key}`,
    title: [st.detail, st.since ? localDateTime(new Date(st.since)) : ''].filter(Boolean).join(' — '),
  }, st.label, h('span', { class: 'since' }, since));
}

function card(camera, thumbs) {
  const held = daysHeld(camera);
  const img = h('img', { class: 'thumb', alt: `Snapshot of ${camera.name}`, width: 320, height: 180, hidden: true });
  const placeholder = h('div', { class: 'thumb placeholder' }, 'No picture yet');
  thumbs.set(camera.id, { img, placeholder, camera });
  return h('li', { class: 'card', dataset: { camera: camera.id } },
    h('a', { href: `#/live/${encodeURIComponent(camera.id)}`, class: 'thumb-link', 'aria-label': `Watch ${camera.name} live` }, img, placeholder),
    h('div', { class: 'card-body' },
      h('h2', {}, camera.name),
      badge(camera),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Plan'), h('dd', {}, `${camera.plan} (${camera.retention_days} d)`),
        h('dt', {}, 'Footage'), h('dd', { class: 'held' }, held === null ? 'none yet' : `${duration(held * 86400)} held`)),
      h('div', { class: 'row' },
        h('a', { class: 'button', href: `#/live/${encodeURIComponent(camera.id)}`, 'aria-label': `Live view of ${camera.name}` }, 'Live'),
        h('a', { class: 'button secondary', href: `#/recordings/${encodeURIComponent(camera.id)}`, 'aria-label': `Recordings of ${camera.name}` }, 'Recordings'))));
}

async function refreshThumb(entry, signal) {
  const source = coverPicture(entry.camera);
  if (!source) return;
  try {
    const url = await blobUrl(source.url, { signal, cache: source.cached ? 'default' : 'no-store' });
    const old = entry.img.src;
    entry.img.src = url;
    entry.img.title = source.label;
    await entry.img.decode().catch(() => {});
    entry.img.hidden = false;
    entry.placeholder.hidden = true;
    if (old.startsWith('blob:')) URL.revokeObjectURL(old);
  } catch (e) {
    if (signal.aborted) return;
    entry.placeholder.textContent = `No picture: ${e.message}`;
  }
}

export function mount(view) {
  const list = h('ul', { class: 'grid', 'aria-label': 'Cameras' });
  const status = h('p', { class: 'muted', role: 'status' }, 'Loading cameras…');
  clear(view, h('h1', {}, 'Cameras'), status, list);
  const controller = new AbortController();
  const thumbs = new Map();
  let lastIds = '';

  async function loadList() {
    try {
      const { cameras } = await api('/api/cameras', { signal: controller.signal });
      const shown = cameras.filter((c) => !c.removed_at);
      status.textContent = shown.length ? '' : 'No cameras yet: add one in hook-server.yml or in Admin.';
      const ids = shown.map((c) => c.id).join('\n');
      if (ids !== lastIds) {
        // New set of cameras: rebuild, then fetch every thumbnail.
        lastIds = ids;
        for (const t of thumbs.values()) if (t.img.src.startsWith('blob:')) URL.revokeObjectURL(t.img.src);
        thumbs.clear();
        clear(list, shown.map((c) => card(c, thumbs)));
        await Promise.all([...thumbs.values()].map((t) => refreshThumb(t, controller.signal)));
      } else {
        // Same cameras: update their text in place (the pictures keep their own rhythm).
        for (const c of shown) {
          const old = list.querySelector(`li[data-camera="${CSS.escape(c.id)}"]`);
          const fresh = card(c, new Map());
          const keep = thumbs.get(c.id);
          keep.camera = c;
          old.querySelector('.card-body').replaceWith(fresh.querySelector('.card-body'));
        }
      }
    } catch (e) {
      if (!controller.signal.aborted) status.textContent = `Cannot list cameras: ${e.message}`;
    }
  }

  loadList().then(() => {
    view.dataset.loaded = 'true';
  });
  const listTimer = setInterval(loadList, LIST_EVERY_MS);
  const thumbTimer = setInterval(() => {
    for (const t of thumbs.values()) refreshThumb(t, controller.signal);
  }, SNAPSHOT_EVERY_MS);
  return () => {
    controller.abort();
    clearInterval(listTimer);
    clearInterval(thumbTimer);
    for (const t of thumbs.values()) if (t.img.src.startsWith('blob:')) URL.revokeObjectURL(t.img.src);
  };
}
