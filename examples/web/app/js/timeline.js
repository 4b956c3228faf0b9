// Timeline data and drawing. Data comes from GET /api/cameras/{id}/timeline and /days (covered
// spans, gaps with their reasons, per-day coverage); a server without those endpoints gets the same
// shapes derived here from the recordings listing, where every gap's reason is "unknown".
import { api, ApiError, query } from './api.js';
import { h } from './dom.js';
import { addDays, duration, localDate, localTime } from './format.js';

export const GAP_REASONS = ['offline', 'not_recording', 'stalled', 'missing', 'deleted', 'unknown'];
export const REASON_LABELS = {
  offline: 'camera offline',
  not_recording: 'recording off',
  stalled: 'recording stalled',
  missing: 'file missing',
  deleted: 'deleted',
  unknown: 'no footage',
};
const TOLERANCE_MS = 1000;  // segments this close are one span, as MediaMTX's playback /list merges them
const MAX_PAGES = 10;

// Every recording overlapping [from, to), following next_cursor. Sets .partial when capped.
export async function recordingsBetween(cameraId, from, to, signal) {
  const items = [];
  let cursor = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api(`/api/cameras/${encodeURIComponent(cameraId)}/recordings${query({
      from: from.toISOString(), to: to.toISOString(), limit: 5000, cursor,
    })}`, { signal });
    items.push(...r.recordings);
    if (!r.next_cursor) return items;
    cursor = r.next_cursor;
  }
  items.partial = true;
  return items;
}

// Spans (merged recordings) and gaps tiling [from, min(to, now)), in the timeline API's shape.
export function deriveTimeline(cameraId, recordings, from, to, now = new Date()) {
  const end = Math.min(to.getTime(), now.getTime());
  const start = from.getTime();
  const spans = [];
  const sorted = recordings
    .map((r) => ({ s: Date.parse(r.start), e: r.end ? Date.parse(r.end) : now.getTime(), bytes: r.size_bytes, rec: !r.end }))
    .filter((r) => r.e > start && r.s < end)
    .sort((a, b) => a.s - b.s);
  for (const r of sorted) {
    const s = Math.max(r.s, start);
    const e = Math.min(r.e, end);
    const last = spans[spans.length - 1];
    if (last && s - last.e <= TOLERANCE_MS) {
      last.e = Math.max(last.e, e);
      last.segments += 1;
      last.bytes += r.bytes;
      last.recording = last.recording || r.rec;
    } else {
      spans.push({ s, e, segments: 1, bytes: r.bytes, recording: r.rec });
    }
  }
  const gaps = [];
  let at = start;
  for (const sp of spans) {
    if (sp.s > at) gaps.push({ s: at, e: sp.s });
    at = Math.max(at, sp.e);
  }
  if (end > at) gaps.push({ s: at, e: end });
  const covered = spans.reduce((n, sp) => n + (sp.e - sp.s), 0) / 1000;
  const gapsS = Object.fromEntries(GAP_REASONS.map((k) => [k, 0]));
  gapsS.unknown = gaps.reduce((n, g) => n + (g.e - g.s), 0) / 1000;
  const t = (ms) => new Date(ms).toISOString();
  return {
    camera_id: cameraId, from: t(start), to: t(to.getTime()), tolerance_ms: TOLERANCE_MS,
    spans: spans.map((sp) => ({ start: t(sp.s), end: t(sp.e), segments: sp.segments, bytes: sp.bytes, recording: sp.recording })),
    gaps: gaps.map((g) => ({ start: t(g.s), end: t(g.e), reason: 'unknown' })),
    covered_s: covered, gaps_s: gapsS, derived: true, partial: Boolean(recordings.partial),
  };
}

function missing(e) {
  return e instanceof ApiError && e.missingEndpoint;
}

export async function loadTimeline(cameraId, from, to, signal) {
  try {
    return await api(`/api/cameras/${encodeURIComponent(cameraId)}/timeline${query({ from: from.toISOString(), to: to.toISOString() })}`, { signal });
  } catch (e) {
    if (!missing(e)) throw e;
  }
  return deriveTimeline(cameraId, await recordingsBetween(cameraId, from, to, signal), from, to);
}

// Per local day of [first, last] (Date at local midnight each): the /days shape.
export async function loadDays(cameraId, first, last, signal) {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    return await api(`/api/cameras/${encodeURIComponent(cameraId)}/days${query({ from: localDate(first), to: localDate(last), tz })}`, { signal });
  } catch (e) {
    if (!missing(e)) throw e;
  }
  const end = addDays(last, 1);
  const recs = await recordingsBetween(cameraId, first, end, signal);
  const days = [];
  for (let d = first; d < end; d = addDays(d, 1)) {
    const next = addDays(d, 1);
    const t = deriveTimeline(cameraId, recs, d, next);
    const bytes = t.spans.reduce((n, s) => n + s.bytes, 0);
    days.push({ date: localDate(d), start: d.toISOString(), end: next.toISOString(), length_s: (next - d) / 1000,
      covered_s: t.covered_s, gaps_s: t.gaps_s, bytes });
  }
  return { camera_id: cameraId, tz, days, derived: true, partial: Boolean(recs.partial) };
}

// --- drawing ---------------------------------------------------------------------------------------

// Places an item over [s, e) within the window [from, from + span); false when it lies outside.
function place(el, from, span, s, e) {
  const a = Math.max(s, from);
  const b = Math.min(e, from + span);
  if (b <= a) return false;
  el.style.left = `${((a - from) / span) * 100}%`;
  el.style.width = `${Math.max(((b - a) / span) * 100, 0.15)}%`;
  return el;
}

const TICK_STEPS = [60e3, 5 * 60e3, 10 * 60e3, 30 * 60e3, 3600e3, 3 * 3600e3];

// The bar of [from, to) (a day, or an hour of it): spans and gaps placed along it, time ticks under
// it, and a selection the user drags with a pointer; onSelect(fromDate, toDate) gets the range.
export function timelineBar(data, from, to, onSelect) {
  const f = from.getTime();
  const span = to.getTime() - f;
  const bar = h('div', {
    class: 'timeline-bar', role: 'group',
    'aria-label': `Timeline ${localTime(from)}–${localTime(to)}: ${duration(data.covered_s)} of footage this day`,
  });
  const add = (el, s, e) => {
    if (place(el, f, span, s, e)) bar.append(el);
  };
  for (const sp of data.spans) {
    const s = Date.parse(sp.start);
    const e = Date.parse(sp.end);
    add(h('div', {
      class: `span${sp.recording ? ' recording' : ''}`,
      title: `footage ${localTime(new Date(s), true)}–${localTime(new Date(e), true)} (${sp.segments} segments)`,
      dataset: { start: sp.start, end: sp.end },
    }), s, e);
  }
  for (const g of data.gaps) {
    const s = Date.parse(g.start);
    const e = Date.parse(g.end);
    const by = g.deleted_by ? ` by ${g.deleted_by}` : '';
    add(h('div', {
      class: `gap ${g.reason}`,
      title: `${REASON_LABELS[g.reason] || g.reason}${by}: ${localTime(new Date(s), true)}–${localTime(new Date(e), true)}`,
      dataset: { start: g.start, end: g.end, reason: g.reason },
    }), s, e);
  }
  const selection = h('div', { class: 'selection', hidden: true });
  bar.append(selection);

  // About eight ticks, on round local times.
  const step = TICK_STEPS.find((t) => span / t <= 8) || TICK_STEPS[TICK_STEPS.length - 1];
  const ticks = h('div', { class: 'timeline-ticks', 'aria-hidden': 'true' });
  const offset = from.getTimezoneOffset() * 60e3;
  for (let t = Math.ceil((f - offset) / step) * step + offset; t <= f + span; t += step) {
    const d = new Date(t);
    const label = t === f + span && d.getHours() === 0 && d.getMinutes() === 0 ? '24:00' : localTime(d);
    ticks.append(h('span', { style: { left: `${((t - f) / span) * 100}%` } }, label));
  }

  // Pointer selection: press, drag, release. Times snap to whole seconds.
  const at = (x) => {
    const r = bar.getBoundingClientRect();
    const ratio = Math.min(1, Math.max(0, (x - r.left) / r.width));
    return Math.round((f + ratio * span) / 1000) * 1000;
  };
  let anchor = null;
  const show = (a, b) => {
    const [s, e] = a <= b ? [a, b] : [b, a];
    selection.hidden = !place(selection, f, span, s, e);
    return [s, e];
  };
  bar.addEventListener('pointerdown', (ev) => {
    anchor = at(ev.clientX);
    bar.setPointerCapture(ev.pointerId);
    show(anchor, anchor);
  });
  bar.addEventListener('pointermove', (ev) => {
    if (anchor !== null) show(anchor, at(ev.clientX));
  });
  bar.addEventListener('pointerup', (ev) => {
    if (anchor === null) return;
    const [s, e] = show(anchor, at(ev.clientX));
    anchor = null;
    if (e > s) onSelect(new Date(s), new Date(e));
    else selection.hidden = true;
  });
  const select = (s, e) => {
    if (e > s) show(s.getTime(), e.getTime());
    else selection.hidden = true;
  };
  return { element: h('div', { class: 'timeline' }, bar, ticks), select };
}

export function legend(data) {
  const items = [h('li', {}, h('span', { class: 'swatch span' }), `footage ${duration(data.covered_s)}`)];
  for (const reason of GAP_REASONS) {
    const s = data.gaps_s ? data.gaps_s[reason] : 0;
    if (s > 0) items.push(h('li', {}, h('span', { class: `swatch gap ${reason}` }), `${REASON_LABELS[reason]} ${duration(s)}`));
  }
  return h('ul', { class: 'legend', 'aria-label': 'Timeline legend' }, items);
}

// A month of days as a calendar; each day a button with its coverage. onPick(dateString).
export function monthCalendar(daysData, month, selected, onPick) {
  const byDate = new Map(daysData.days.map((d) => [d.date, d]));
  const first = new Date(month.getFullYear(), month.getMonth(), 1);
  const lead = (first.getDay() + 6) % 7;  // weeks start on Monday
  const cells = [];
  for (let i = 0; i < lead; i++) cells.push(h('span', { class: 'day empty', 'aria-hidden': 'true' }));
  for (let d = first; d.getMonth() === first.getMonth(); d = addDays(d, 1)) {
    const date = localDate(d);
    const info = byDate.get(date);
    const ratio = info && info.length_s ? info.covered_s / info.length_s : 0;
    const pct = Math.round(ratio * 100);
    const label = `${d.toLocaleDateString(undefined, { weekday: 'long', day: 'numeric', month: 'long' })}: ${info ? `${pct}% covered` : 'no data'}`;
    cells.push(h('button', {
      type: 'button', class: `day${date === selected ? ' selected' : ''}${info && info.covered_s > 0 ? ' has-footage' : ''}`,
      'aria-label': label, 'aria-pressed': date === selected ? 'true' : 'false', title: label,
      dataset: { date, covered: String(pct) }, onclick: () => onPick(date),
    }, h('span', { class: 'num' }, String(d.getDate())), h('span', { class: 'cover', style: { width: `${pct}%` } })));
  }
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((n) => h('span', { class: 'dow', 'aria-hidden': 'true' }, n));
  return h('div', { class: 'month', role: 'group', 'aria-label': `Coverage in ${month.toLocaleDateString(undefined, { month: 'long', year: 'numeric' })}` }, names, cells);
}
