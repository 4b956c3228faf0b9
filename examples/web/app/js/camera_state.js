// What a camera's badge says. Uses recording_state (recording / stalled / offline / not_recording /
// idle, with since and detail) when the server gives it, else the stream status of older servers
// (active / stopped / error) and the record flag.

const LABELS = {
  recording: 'available',
  idle: 'starting',
  stalled: 'stalled',
  offline: 'offline',
  not_recording: 'not recording',
  removed: 'removed',
};

export function cameraState(camera) {
  if (camera.removed_at) return { key: 'removed', label: LABELS.removed, since: camera.removed_at, detail: 'stopped through the API' };
  const rs = camera.recording_state;
  if (rs && rs.state) {
    return { key: rs.state, label: LABELS[rs.state] || rs.state, since: rs.since, detail: rs.detail || '' };
  }
  const st = camera.status || {};
  if (st.state === 'active') {
    return camera.record
      ? { key: 'recording', label: LABELS.recording, since: st.since, detail: 'stream available' }
      : { key: 'not_recording', label: LABELS.not_recording, since: st.since, detail: 'stream available, record is off' };
  }
  if (st.state === 'error') return { key: 'offline', label: 'error', since: st.since, detail: 'stream error' };
  return { key: 'offline', label: LABELS.offline, since: st.since, detail: st.since ? 'stream not available' : 'never seen' };
}

// Days of footage held: from the oldest indexed recording to now.
export function daysHeld(camera, now = Date.now()) {
  const oldest = camera.recordings && camera.recordings.oldest;
  if (!oldest) return null;
  return Math.max(0, (now - Date.parse(oldest)) / 86_400_000);
}

// Whether the stream can be watched live now (a live picture is worth asking for).
export function isLive(camera) {
  const { key } = cameraState(camera);
  return key === 'recording' || key === 'idle' || key === 'stalled' || key === 'not_recording';
}

// The picture that stands for a camera: its latest snapshot while it is live; otherwise the last
// recorded frame (snapshot.jpg?at=, which never changes, so the browser may cache it); nothing for
// a camera never recorded. {url, label, cached} or null.
export function coverPicture(camera) {
  const base = camera.urls.snapshot;
  if (isLive(camera)) return { url: base, label: 'latest snapshot', cached: false };
  const newest = camera.recordings && camera.recordings.newest;
  if (!newest) return null;
  const at = new Date(Date.parse(newest) - 1000);
  return { url: `${base}?at=${encodeURIComponent(at.toISOString())}`, label: `last recorded frame, ${at.toLocaleString()}`, cached: true };
}
