// The municipality API (municipality-api.md), called with the signed-in person's token.
import { currentSession } from './session.js';

let config = null;
let onExpired = () => {};

export async function loadConfig() {
  if (config) return config;
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    config = response.ok ? await response.json() : {};
  } catch {
    config = {};
  }
  config.api_url = String(config.api_url || '').replace(/\/+$/, '');
  return config;
}

export function whenExpired(callback) {
  onExpired = callback;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(`API ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body && typeof body === 'object' ? body : {};
  }

  get details() {
    return Array.isArray(this.body.details) ? this.body.details : [];
  }

  // The route is not there yet: API Gateway's unknown route (403 Missing Authentication
  // Token), a 404 for the route itself, 405 or 501. Screens then say it fills in later.
  get routeMissing() {
    const message = String(this.body.message || this.body.Message || '');
    return this.status === 501 || this.status === 405
      || (this.status === 403 && /missing authentication token/i.test(message))
      || (this.status === 404 && /no such route|unknown route/i.test(message));
  }

  // Query parameters the API does not know (yet): 422 "unknown query parameter".
  get unknownQueryParameters() {
    if (this.status !== 422) return [];
    return this.details.filter((d) => Array.isArray(d.loc) && d.loc[0] === 'query' && /unknown/i.test(d.msg || ''))
      .map((d) => d.loc[1]);
  }
}

export class NetworkError extends Error {}

function url(path, query) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return `${config.api_url}${path}${text ? `?${text}` : ''}`;
}

// JSON in, JSON out (or a Blob for `as: 'blob'`). Throws ApiError; a 401 ends the session first.
export async function request(method, path, { query, body, text, as, accept } = {}) {
  await loadConfig();
  const session = currentSession();
  if (!session) {
    onExpired();
    throw new ApiError(401, { error: 'unauthorized' });
  }
  const headers = { Authorization: `Bearer ${session.token}` };
  if (accept) headers.Accept = accept;
  let payload;
  if (text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = text;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url(path, query), { method, headers, body: payload });
  } catch {
    throw new NetworkError('De server is niet bereikbaar.');
  }
  if (response.status === 401) {
    onExpired();
    throw new ApiError(401, { error: 'unauthorized' });
  }
  if (!response.ok) {
    let errorBody = {};
    try { errorBody = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, errorBody);
  }
  if (as === 'blob') return response.blob();
  if (as === 'text') return response.text();
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options) => request('POST', path, { ...options, body });
export const put = (path, body, options) => request('PUT', path, { ...options, body });
export const patch = (path, body, options) => request('PATCH', path, { ...options, body });

export function municipalityPath(code, rest = '') {
  return `/municipalities/${encodeURIComponent(code)}${rest}`;
}

// One Dutch sentence for an error, for screens that have nothing more specific to say.
export function errorText(error) {
  if (error instanceof NetworkError) return 'De server is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.';
  if (!(error instanceof ApiError)) return 'Er ging iets mis in de app. Laad de pagina opnieuw.';
  if (error.routeMissing) return 'Dit onderdeel is nog niet beschikbaar in de API.';
  switch (error.status) {
    case 400: return 'Het verzoek klopte niet.';
    case 401: return 'Uw sessie is verlopen. Log opnieuw in.';
    case 403: return 'U hebt geen toegang tot dit onderdeel of deze gemeente.';
    case 404: return 'Dit is niet (meer) gevonden.';
    case 409: return 'Dit kan niet meer: de zaak of taak is intussen veranderd of gesloten. Laad de pagina opnieuw.';
    case 413: return 'Het verzoek is te groot.';
    case 422: return 'Niet alles is goed ingevuld.';
    default: return 'De server gaf een fout. Probeer het later opnieuw.';
  }
}

// Messages of a 422 in Dutch where we know them; the API's own text otherwise.
const MESSAGES = [
  [/^required$/i, 'verplicht'],
  [/^unknown field$/i, 'onbekend veld'],
  [/^unknown key '(.*)'$/i, 'onbekende sleutel \'$1\''],
  [/^unknown fact '(.*)'$/i, 'onbekend feit \'$1\''],
  [/^unknown operator '(.*)'$/i, 'onbekende operator \'$1\''],
  [/^missing required key '(.*)'$/i, 'verplichte sleutel \'$1\' ontbreekt'],
  [/^must not be in the future$/i, 'mag niet in de toekomst liggen'],
  [/^must be a date YYYY-MM-DD$/i, 'moet een datum zijn'],
  [/^must be a text of 1 to (\d+) characters/i, 'moet een tekst zijn van 1 tot $1 tekens'],
  [/^must be one of (.*)$/i, 'moet een van deze zijn: $1'],
  [/^must be true or false$/i, 'moet ja of nee zijn'],
  [/^unknown query parameter$/i, 'onbekende zoekparameter'],
];

export function dutch(message) {
  const text = String(message || '');
  for (const [pattern, replacement] of MESSAGES) {
    if (pattern.test(text)) return text.replace(pattern, replacement);
  }
  return text;
}
