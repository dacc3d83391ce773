// The JSON API (docs/api.md), as the pages use it. The session cookie is HttpOnly and goes with
// every request by itself; the CSRF token the server gave at sign-in goes in a header with every
// request that changes something.

export class ApiError extends Error {
  constructor(status, code, message, field, rows) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.rows = rows || []; // an import's bad rows, "invoices.csv:3: ..."
  }
}

let csrf = sessionStorage.getItem('squeaky.csrf') || '';
let onSignedOut = () => {};

export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('squeaky.csrf', csrf);
  else sessionStorage.removeItem('squeaky.csrf');
}

// Called when the server says the session is gone, so the app shows the sign-in page.
export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export async function request(method, path, body, { contentType = 'application/json' } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    // A file goes as it is, byte for byte: the server checks its encoding.
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const e = (data && data.error) || {};
    if (response.status === 401 && path !== '/session') onSignedOut();
    throw new ApiError(response.status, e.code || 'http_' + response.status, e.message || response.statusText, e.field, e.errors);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);
export const del = (path) => request('DELETE', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
