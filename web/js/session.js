// The signed-in person, kept in sessionStorage under one key (docs/workspace.md):
//   "vroegsignaal.sessie" = {"token", "expires_at" (epoch seconds or null), "user": {"id", "name"} or null,
//                            "memberships": [{"code", "role"}]}
// The token is sent as `Authorization: Bearer`. Signing in fills this from Cognito's ID token.

export const SESSION_KEY = 'vroegsignaal.sessie';
const EXPIRY_MARGIN_SECONDS = 30;

export function readSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    return session && typeof session.token === 'string' && session.token ? session : null;
  } catch {
    return null;
  }
}

export function currentSession() {
  const session = readSession();
  if (!session) return null;
  if (session.expires_at && session.expires_at - EXPIRY_MARGIN_SECONDS < Date.now() / 1000) return null;
  return session;
}

export function saveSession(session) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function endSession() {
  sessionStorage.removeItem(SESSION_KEY);
}

export function membership(session, code) {
  return (session?.memberships || []).find((m) => m.code === code) || null;
}

export function roleIn(session, code) {
  return membership(session, code)?.role || null;
}

export function isCoordinator(session, code) {
  return roleIn(session, code) === 'coordinator';
}

// ------------------------------------------------------------------ the ID token

function base64UrlJson(part) {
  const text = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export function tokenClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return base64UrlJson(parts[1]);
  } catch {
    return null;
  }
}

const ROLE_NAMES = ['consulent', 'coordinator', 'bezoeker'];

// Memberships from the ID token: a `custom:memberships` claim holding JSON
// ([{"code", "role"}]) or groups named "<code>:<role>" (also "-" or "_" between).
export function membershipsFrom(claims) {
  const found = [];
  const custom = claims['custom:memberships'];
  if (custom) {
    try {
      for (const item of JSON.parse(custom)) {
        if (item && item.code && ROLE_NAMES.includes(item.role)) found.push({ code: item.code, role: item.role });
      }
    } catch { /* not JSON: the groups may carry them */ }
  }
  for (const group of claims['cognito:groups'] || []) {
    const match = /^(GM\d{4})[:_-](consulent|coordinator|bezoeker)$/.exec(group);
    if (match && !found.some((m) => m.code === match[1])) found.push({ code: match[1], role: match[2] });
  }
  return found;
}

export function sessionFromIdToken(token) {
  const claims = tokenClaims(token) || {};
  return {
    token,
    expires_at: typeof claims.exp === 'number' ? claims.exp : null,
    user: { id: claims['cognito:username'] || claims.sub || null, name: claims.name || claims['cognito:username'] || '' },
    memberships: membershipsFrom(claims),
  };
}

// ------------------------------------------------------------------ Cognito

export class SignInError extends Error {
  constructor(message) { super(message); this.name = 'SignInError'; }
}

// Cognito's InitiateAuth (USER_PASSWORD_AUTH) as a plain POST: no SDK.
export async function signIn(cognito, username, password) {
  if (!cognito || !cognito.client_id) {
    throw new SignInError('Inloggen is op deze omgeving nog niet ingericht (geen Cognito-instellingen in /config.json).');
  }
  const endpoint = cognito.endpoint || `https://cognito-idp.${cognito.region}.amazonaws.com/`;
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: cognito.client_id,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch {
    throw new SignInError('De inlogdienst is niet bereikbaar. Probeer het later opnieuw.');
  }
  let body = {};
  try { body = await response.json(); } catch { /* no JSON: handled below */ }
  if (!response.ok) {
    const type = String(body.__type || body.code || '');
    if (type.includes('NotAuthorized') || type.includes('UserNotFound')) {
      throw new SignInError('De gebruikersnaam of het wachtwoord klopt niet.');
    }
    if (type.includes('PasswordResetRequired')) throw new SignInError('Uw wachtwoord moet opnieuw worden ingesteld.');
    throw new SignInError('Inloggen is niet gelukt. Probeer het later opnieuw.');
  }
  if (body.ChallengeName) {
    throw new SignInError('Deze aanmelding vraagt een extra stap (bijvoorbeeld een nieuw wachtwoord of MFA) die hier nog niet kan.');
  }
  const token = body.AuthenticationResult && body.AuthenticationResult.IdToken;
  if (!token) throw new SignInError('Inloggen is niet gelukt: de inlogdienst gaf geen token.');
  const session = sessionFromIdToken(token);
  if (!session.expires_at && body.AuthenticationResult.ExpiresIn) {
    session.expires_at = Math.floor(Date.now() / 1000) + Number(body.AuthenticationResult.ExpiresIn);
  }
  return session;
}

// ------------------------------------------------------------------ hosted sign-in (authorization code + PKCE)
// With `cognito.domain` in /config.json (the hosted sign-in address, where a municipality's own
// identity provider is federated) the app signs in through it. The verifier and state live in
// sessionStorage under `vroegsignaal.inloggen` only between leaving and coming back.

const PKCE_KEY = 'vroegsignaal.inloggen';

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(size = 32) {
  return base64Url(crypto.getRandomValues(new Uint8Array(size)));
}

function redirectUri() {
  return `${location.origin}${location.pathname}`;
}

export async function startHostedSignIn(cognito, back) {
  const verifier = randomText(48);
  const state = randomText(16);
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, back }));
  const query = new URLSearchParams({
    response_type: 'code', client_id: cognito.client_id, redirect_uri: redirectUri(), scope: 'openid email profile',
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${cognito.domain.replace(/\/+$/, '')}/oauth2/authorize?${query}`);
}

// Back from the hosted sign-in with ?code=&state=: the code for tokens. Returns where to go, or null.
export async function finishHostedSignIn(cognito) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (params.has('error')) throw new SignInError('Inloggen via uw organisatie is niet gelukt of afgebroken.');
  if (!pending || pending.state !== params.get('state') || !cognito || !cognito.domain) {
    throw new SignInError('Inloggen is niet gelukt: het antwoord van de inlogdienst hoort niet bij deze poging. Probeer het opnieuw.');
  }
  let response;
  try {
    response = await fetch(`${cognito.domain.replace(/\/+$/, '')}/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', client_id: cognito.client_id, code: params.get('code'),
        redirect_uri: redirectUri(), code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw new SignInError('De inlogdienst is niet bereikbaar. Probeer het later opnieuw.');
  }
  const body = response.ok ? await response.json() : {};
  if (!body.id_token) throw new SignInError('Inloggen is niet gelukt: de inlogdienst gaf geen token.');
  const session = sessionFromIdToken(body.id_token);
  if (!session.expires_at && body.expires_in) session.expires_at = Math.floor(Date.now() / 1000) + Number(body.expires_in);
  saveSession(session);
  return pending.back || '#/';
}
