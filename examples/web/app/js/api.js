// The JSON API client: every call carries the token from sessionStorage as "Authorization: Bearer",
// errors become ApiError with the server's own message ({"error": "..."}).

const TOKEN_KEY = 'hook-server.token';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  viewerTokens.clear();
}

// A JWT has three base64url parts: a viewer token. Anything else is taken for the admin token.
export function isJwt(token) {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
  // The server has no such route (yet): an older hook-server, or a feature another release adds.
  get missingEndpoint() {
    return this.status === 404 && /no such endpoint/.test(this.message);
  }
}

function authHeaders(token = getToken()) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// Listeners told about 401s, so the page can ask for a token.
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
}

async function errorOf(res, path) {
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = await res.json();
    if (body && typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) for (const fn of unauthorizedListeners) fn(message);
  return new ApiError(res.status, message, path);
}

// GET/POST/PATCH/DELETE under the page's origin. `body` is sent as JSON. Throws ApiError.
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers, signal, cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res, path);
  return res.status === 204 ? null : res.json();
}

// A binary resource (snapshot, recording) with the token, as an object URL the caller revokes.
export async function blobUrl(url, { token = getToken(), signal, cache = 'no-store' } = {}) {
  const res = await fetch(url, { headers: authHeaders(token), signal, cache });
  if (!res.ok) throw await errorOf(res, url);
  return URL.createObjectURL(await res.blob());
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The token MediaMTX gets for a camera (WHEP, HLS, playback). A viewer JWT is used as it is. With
// the admin token (which MediaMTX does not know), a short-lived viewer token is asked from
// POST /api/tokens; a server without that endpoint (open access) gets the page's own token, or none.
const viewerTokens = new Map();  // camera id -> {token, expires}
let tokensApi = true;

export async function mediaToken(cameraId) {
  const own = getToken();
  if (!own || isJwt(own) || !tokensApi) return own;
  const cached = viewerTokens.get(cameraId);
  if (cached && cached.expires - Date.now() > 60_000) return cached.token;
  try {
    const r = await api('/api/tokens', {
      method: 'POST',
      body: { cameras: [cameraId], actions: ['read', 'playback'], ttl: '15m', subject: 'web-console' },
    });
    viewerTokens.set(cameraId, { token: r.token, expires: Date.parse(r.expires_at) });
    return r.token;
  } catch (e) {
    if (e instanceof ApiError && e.missingEndpoint) {
      tokensApi = false;
      return own;
    }
    throw e;
  }
}
