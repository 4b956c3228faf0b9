// Recordings of one camera: the month view (coverage per day), the day timeline (footage and gaps
// with their reasons), a permanent clip made by selecting a range on the timeline, the segment list
// (time, duration, size, expiry, permanent toggle, an "expiring soon" filter), the camera's clips,
// and playback of any of them through MediaMTX's playback server.
import { api, mediaToken, query } from './api.js';
import { busy, clear, h, toast } from './dom.js';
import { addDays, bytes, duration, localDate, localDateTime, localTime, parseLocalDate, relative } from './format.js';
import { playRecording } from './player.js';
import { legend, loadDays, loadTimeline, monthCalendar, recordingsBetween, timelineBar } from './timeline.js';

function go(id, date, expiring) {
  location.hash = `#/recordings/${encodeURIComponent(id)}${query({ date, expiring: expiring ? '1' : '' })}`;
}

// "HH:MM:SS" of a local day -> Date (null when not a time).
function timeOn(day, text) {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), Number(m[1]), Number(m[2]), Number(m[3] || 0));
}

export function mount(view, { id, params }) {
  const controller = new AbortController();
  const signal = controller.signal;
  const today = localDate(new Date());
  const date = params.get('date') || today;
  const day = parseLocalDate(date) || parseLocalDate(today);
  const expiringOnly = params.get('expiring') === '1';

  const cameraSelect = h('select', { id: 'rec-camera', 'aria-label': 'Camera' });
  const dateInput = h('input', { type: 'date', id: 'rec-date', value: localDate(day), 'aria-label': 'Day' });
  const prev = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Previous day', onclick: () => go(cameraSelect.value, localDate(addDays(day, -1)), expiringOnly) }, '‹');
  const next = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Next day', onclick: () => go(cameraSelect.value, localDate(addDays(day, 1)), expiringOnly) }, '›');
  const expiringBox = h('input', { type: 'checkbox', id: 'rec-expiring', checked: expiringOnly });
  cameraSelect.addEventListener('change', () => go(cameraSelect.value, localDate(day), expiringOnly));
  dateInput.addEventListener('change', () => dateInput.value && go(cameraSelect.value, dateInput.value, expiringOnly));
  expiringBox.addEventListener('change', () => go(cameraSelect.value, localDate(day), expiringBox.checked));

  const monthBox = h('section', { class: 'panel', 'aria-labelledby': 'month-title' }, h('h2', { id: 'month-title' }, 'Month'));
  const dayBox = h('section', { class: 'panel', 'aria-labelledby': 'day-title' }, h('h2', { id: 'day-title' }, `Day ${localDate(day)}`));
  const listBox = h('section', { class: 'panel', 'aria-labelledby': 'list-title' });
  const clipsBox = h('section', { class: 'panel', 'aria-labelledby': 'clips-title' });
  const video = h('video', { class: 'playback', controls: true, playsinline: true, 'aria-label': 'Recording player' });
  const nowPlaying = h('p', { id: 'playback-status', class: 'player-status', role: 'status' }, 'Pick a recording or a clip to play it.');
  const playerBox = h('section', { class: 'panel', 'aria-labelledby': 'player-title' },
    h('h2', { id: 'player-title' }, 'Playback'), h('div', { class: 'player' }, video), nowPlaying);

  clear(view,
    h('h1', {}, 'Recordings'),
    h('div', { class: 'toolbar' }, cameraSelect, prev, dateInput, next,
      h('label', { class: 'check' }, expiringBox, ' Only expiring soon')),
    h('div', { class: 'columns' }, h('div', {}, dayBox, listBox), h('div', {}, monthBox, playerBox, clipsBox)));

  async function play(url, what) {
    nowPlaying.textContent = `Loading ${what}…`;
    try {
      await playRecording(video, url, await mediaToken(id));
      nowPlaying.textContent = `Playing ${what}.`;
    } catch (e) {
      nowPlaying.textContent = `Cannot play ${what}: ${e.message}`;
    }
  }

  // --- day: timeline (the whole day or one hour of it) + clip selection ---
  async function showDay() {
    const to = addDays(day, 1);
    const t = await loadTimeline(id, day, to, signal);
    const fromInput = h('input', { type: 'text', id: 'clip-from', inputmode: 'numeric', placeholder: 'HH:MM:SS', 'aria-label': 'Clip start (HH:MM:SS)' });
    const toInput = h('input', { type: 'text', id: 'clip-to', inputmode: 'numeric', placeholder: 'HH:MM:SS', 'aria-label': 'Clip end (HH:MM:SS)' });
    const label = h('input', { type: 'text', id: 'clip-label', maxlength: 200, placeholder: 'Label', 'aria-label': 'Clip label' });
    // The hours of this day (23 or 25 on a DST change), to zoom into.
    const hours = [];
    for (let s = day; s < to; s = new Date(s.getTime() + 3600e3)) hours.push(s);
    const zoom = h('select', { id: 'rec-zoom', 'aria-label': 'Timeline range' },
      h('option', { value: '' }, 'Whole day'),
      hours.map((s) => h('option', { value: String(s.getTime()) }, `${localTime(s)}–${localTime(new Date(s.getTime() + 3600e3))}`)));
    const holder = h('div', {});
    let bar;
    const sync = () => {
      const s = timeOn(day, fromInput.value);
      const e = timeOn(day, toInput.value);
      if (s && e) bar.select(s, e);
    };
    const draw = () => {
      const start = zoom.value ? new Date(Number(zoom.value)) : day;
      const end = zoom.value ? new Date(Number(zoom.value) + 3600e3) : to;
      bar = timelineBar(t, start, end, (s, e) => {
        fromInput.value = localTime(s, true);
        toInput.value = localTime(e, true);
      });
      clear(holder, bar.element);
      sync();
    };
    zoom.addEventListener('change', draw);
    draw();
    fromInput.addEventListener('change', sync);
    toInput.addEventListener('change', sync);
    const create = h('button', { type: 'button', id: 'clip-create' }, 'Keep as clip');
    create.addEventListener('click', () => busy(create, async () => {
      const s = timeOn(day, fromInput.value);
      const e = timeOn(day, toInput.value);
      if (!s || !e || e <= s) throw new Error('Select a range on the timeline (or type start and end as HH:MM:SS) first.');
      const clip = await api(`/api/cameras/${encodeURIComponent(id)}/clips`, {
        method: 'POST', body: { from: s.toISOString(), to: e.toISOString(), label: label.value },
      });
      toast(`Clip ${clip.id} kept: ${clip.recordings.length} recordings are now permanent.`);
      await Promise.all([showClips(), showList()]);
    }));
    const notes = [];
    if (t.derived) notes.push('Gap reasons need a hook-server with the timeline API; gaps here are only "no footage".');
    if (t.partial) notes.push('Too many recordings to draw them all.');
    clear(dayBox,
      h('div', { class: 'title-row' }, h('h2', { id: 'day-title' }, `Day ${localDate(day)}`), zoom),
      holder, legend(t), notes.map((n) => h('p', { class: 'muted' }, n)),
      h('div', { class: 'clip-form' },
        h('p', { class: 'muted' }, 'Drag across the timeline to choose a range, then keep it as a permanent clip.'),
        h('div', { class: 'row' }, fromInput, toInput, label, create)));
  }

  // --- month ---
  async function showMonth() {
    const first = new Date(day.getFullYear(), day.getMonth(), 1);
    const last = new Date(day.getFullYear(), day.getMonth() + 1, 0);
    const data = await loadDays(id, first, last, signal);
    const prevMonth = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Previous month', onclick: () => go(id, localDate(addDays(first, -1)), expiringOnly) }, '‹');
    const nextMonth = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Next month', onclick: () => go(id, localDate(addDays(last, 1)), expiringOnly) }, '›');
    clear(monthBox,
      h('div', { class: 'title-row' }, prevMonth,
        h('h2', { id: 'month-title' }, first.toLocaleDateString(undefined, { month: 'long', year: 'numeric' })), nextMonth),
      monthCalendar(data, first, localDate(day), (d) => go(id, d, expiringOnly)),
      data.derived ? h('p', { class: 'muted' }, `Coverage computed from the recordings list${data.partial ? ' (partly: too many recordings)' : ''}.`) : null);
  }

  // --- segment list ---
  function row(r) {
    const start = new Date(r.start);
    const keep = h('input', { type: 'checkbox', checked: r.permanent, 'aria-label': `Keep the recording of ${localDateTime(start)} forever` });
    keep.addEventListener('change', () => busy(keep, async () => {
      try {
        const updated = await api(`/api/recordings/${r.id}`, { method: 'PATCH', body: { permanent: keep.checked } });
        keep.checked = updated.permanent;
        expires.textContent = expiry(updated);
        toast(updated.permanent ? 'Kept forever.' : 'Back in the retention cycle.');
      } catch (e) {
        keep.checked = !keep.checked;
        throw e;
      }
    }));
    const expires = h('td', { 'data-label': 'Expires' }, expiry(r));
    const playButton = h('button', {
      type: 'button', class: 'secondary', disabled: !r.playback_url,
      'aria-label': `Play the recording of ${localDateTime(start)}`,
      onclick: () => play(r.playback_url, `the recording of ${localDateTime(start)}`),
    }, 'Play');
    return h('tr', { dataset: { recording: String(r.id) } },
      h('td', { 'data-label': 'Start' }, expiringOnly ? localDateTime(start) : localTime(start, true)),
      h('td', { 'data-label': 'Duration' }, r.duration_s === null ? 'recording…' : duration(r.duration_s)),
      h('td', { 'data-label': 'Size' }, bytes(r.size_bytes)),
      expires,
      h('td', { 'data-label': 'Permanent' }, h('label', { class: 'check' }, keep, ' keep')),
      h('td', {}, playButton));
  }

  function expiry(r) {
    if (r.permanent) return 'never (permanent)';
    if (!r.expires_at) return '–';
    return relative(new Date(r.expires_at));
  }

  async function showList() {
    let items;
    let title;
    if (expiringOnly) {
      const r = await api(`/api/recordings/expiring${query({ camera: id })}`, { signal });
      items = r.recordings;
      title = `Expiring within ${duration(r.within_s)}`;
    } else {
      items = await recordingsBetween(id, day, addDays(day, 1), signal);
      title = `Recordings of ${localDate(day)}`;
    }
    const table = h('table', { class: 'recordings' },
      h('thead', {}, h('tr', {}, ['Start', 'Duration', 'Size', 'Expires', 'Permanent', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, items.map(row)));
    clear(listBox, h('h2', { id: 'list-title' }, `${title} (${items.length})`),
      items.length ? table : h('p', { class: 'muted' }, expiringOnly ? 'Nothing expires soon.' : 'No recordings on this day.'));
  }

  // --- clips ---
  async function showClips() {
    const { clips } = await api(`/api/clips${query({ camera: id })}`, { signal });
    const items = clips.map((c) => {
      const from = new Date(c.from);
      const what = `clip ${c.label ? `"${c.label}"` : c.id} (${localDateTime(from)}, ${duration((Date.parse(c.to) - from) / 1000)})`;
      const del = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${what}` }, 'Delete');
      del.addEventListener('click', () => busy(del, async () => {
        if (!confirm(`Delete ${what}? Its recordings go back to the retention cycle.`)) return;
        await api(`/api/clips/${c.id}`, { method: 'DELETE' });
        await Promise.all([showClips(), showList()]);
      }));
      return h('li', { dataset: { clip: String(c.id) } }, h('span', {}, what),
        h('span', { class: 'row' },
          h('button', { type: 'button', class: 'secondary', 'aria-label': `Play ${what}`, onclick: () => play(c.playback_url, what) }, 'Play'),
          del));
    });
    clear(clipsBox, h('h2', { id: 'clips-title' }, `Clips (${clips.length})`),
      items.length ? h('ul', { class: 'clips' }, items) : h('p', { class: 'muted' }, 'No clips yet.'));
  }

  const report = (box) => (e) => {
    if (!signal.aborted) box.append(h('p', { class: 'error' }, e.message));
  };

  (async () => {
    let cameras;
    try {
      ({ cameras } = await api('/api/cameras', { signal }));
    } catch (e) {
      report(dayBox)(e);
      return;
    }
    clear(cameraSelect, cameras.map((c) => h('option', { value: c.id, selected: c.id === id }, c.name)));
    if (!id) {
      if (cameras.length) go(cameras[0].id, localDate(day), expiringOnly);
      else clear(dayBox, h('p', {}, 'No cameras yet.'));
      return;
    }
    await Promise.all([
      showDay().catch(report(dayBox)),
      showMonth().catch(report(monthBox)),
      showList().catch(report(listBox)),
      showClips().catch(report(clipsBox)),
    ]);
    view.dataset.loaded = 'true';
  })();

  return () => {
    controller.abort();
    if (video.src.startsWith('blob:')) URL.revokeObjectURL(video.src);
  };
}
