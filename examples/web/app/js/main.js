// The console's entry point: the token dialog, the health banner and a hash router that mounts one
// view at a time (#/cameras, #/live/<id>, #/recordings/<id>?date=YYYY-MM-DD, #/admin).
import { api, getToken, isJwt, onUnauthorized, setToken } from './api.js';
import { clear, h } from './dom.js';
import * as admin from './admin.js';
import * as grid from './grid.js';
import * as live from './live.js';
import * as recordings from './recordings.js';

const routes = { cameras: grid, live, recordings, admin };

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  const [section = 'cameras', id] = path.split('/').map(decodeURIComponent);
  return { section: routes[section] ? section : 'cameras', id, params: new URLSearchParams(search) };
}

let unmount = null;
let mountedSection = null;

function route() {
  const { section, id, params } = parseHash();
  const view = document.getElementById('view');
  if (unmount) unmount();
  unmount = null;
  clear(view);
  delete view.dataset.loaded;  // each view sets it once its first data is shown (tests wait for it)
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.section === section || (section === 'live' && a.dataset.section === 'cameras')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  unmount = routes[section].mount(view, { id, params }) || null;
  if (mountedSection !== null) view.focus({ preventScroll: true });
  mountedSection = section;
}

// --- token ---------------------------------------------------------------------------------------

const dialog = document.getElementById('token-dialog');
const input = document.getElementById('token-input');
const why = document.getElementById('token-why');

function showTokenButton() {
  // A viewer token (a JWT from POST /api/tokens) has no use for the admin section.
  document.querySelector('nav a[data-section="admin"]').hidden = isJwt(getToken());
  const b = document.getElementById('token-button');
  b.textContent = getToken() ? 'Token set' : 'Token';
  b.setAttribute('aria-label', getToken() ? 'Access token (set for this tab)' : 'Access token (none)');
}

function askToken(reason = '') {
  why.textContent = reason;
  input.value = getToken();
  if (!dialog.open) dialog.showModal();
}

document.getElementById('token-button').addEventListener('click', () => askToken());
dialog.addEventListener('close', () => {
  if (dialog.returnValue === 'save' && input.value.trim()) setToken(input.value.trim());
  else if (dialog.returnValue === 'forget') setToken('');
  else return;
  input.value = '';
  showTokenButton();
  route();
  refreshHealth();
});
onUnauthorized((message) => askToken(`The server asked for a token: ${message}`));

// --- health banner ---------------------------------------------------------------------------------

// alerts are strings on older servers, {kind, camera_id, since, message} objects on newer ones.
function alertText(a) {
  if (typeof a === 'string') return a;
  return `${a.camera_id ? `camera ${a.camera_id}: ` : ''}${a.message || a.kind}`;
}

async function refreshHealth() {
  const box = document.getElementById('alerts');
  try {
    const health = await api('/api/health');
    const alerts = health.alerts || [];
    clear(box, alerts.length
      ? h('ul', { 'aria-label': `Server ${health.status}` }, alerts.map((a) => h('li', {}, alertText(a))))
      : null);
    box.dataset.status = health.status;
  } catch {
    clear(box, h('p', {}, 'The server does not answer /api/health.'));
    box.dataset.status = 'unavailable';
  }
}

showTokenButton();
window.addEventListener('hashchange', route);
route();
refreshHealth();
setInterval(refreshHealth, 30_000);
