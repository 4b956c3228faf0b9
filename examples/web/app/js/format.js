// Formatting for people: local times, durations, sizes, "in 3 h", "2 d ago". Pure functions.

const pad = (n) => String(n).padStart(2, '0');

export function localDate(d) {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function localTime(d, seconds = false) {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ''}`;
}

export function localDateTime(d) {
  return `${localDate(d)} ${localTime(d, true)}`;
}

// "YYYY-MM-DD" -> the Date of that local midnight.
export function parseLocalDate(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s || '');
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function addDays(d, n) {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

// RFC 3339 with milliseconds, as the API writes times.
export function iso(d) {
  return d.toISOString();
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${s % 3600 >= 60 ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
  const days = s / 86400;
  return `${days >= 10 ? Math.round(days) : days.toFixed(1)} d`;
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

// "in 5 h", "5 h ago", "now".
export function relative(when, now = new Date()) {
  const s = (when.getTime() - now.getTime()) / 1000;
  if (Math.abs(s) < 30) return 'now';
  return s > 0 ? `in ${duration(s)}` : `${duration(-s)} ago`;
}
