// The signed-in person, kept in sessionStorage under one key (docs/workspace.md):
//   "vroegsignaal.sessie" = {"token", "expires_at" (epoch seconds or null), "user": {"id", "name"} or null,
//                            "memberships": [{"code", "role"}]}
// The token is sent as `Authorization: Bearer`. Signing in (signin.js) fills this from Cognito's ID token.
// `user.id` is the token's `sub`: the user_id the API names people by (assignees, the audit trail).

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

// Memberships from the ID token: Cognito groups named "<code>:<role>" (GM0632:consulent), as the
// authorizer reads them (docs/decisions.md); a `custom:memberships` JSON claim ([{"code", "role"}])
// is read too (the browser tests' stand-in tokens carry one).
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
    const match = /^(GM\d{4}):(consulent|coordinator|bezoeker)$/.exec(group);
    if (match && !found.some((m) => m.code === match[1])) found.push({ code: match[1], role: match[2] });
  }
  return found;
}

export function sessionFromIdToken(token) {
  const claims = tokenClaims(token) || {};
  return {
    token,
    expires_at: typeof claims.exp === 'number' ? claims.exp : null,
    user: { id: claims.sub || null, name: claims.name || claims['cognito:username'] || '' },
    memberships: membershipsFrom(claims),
  };
}

// ------------------------------------------------------------------ signing in (signin.js)
// Re-exported so the screens keep one place to import the session from.
export { finishHostedSignIn, SignInError, signIn, startHostedSignIn } from './signin.js';
