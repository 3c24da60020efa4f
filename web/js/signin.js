// Signing in with Cognito (identity.md, workspace.md): the Cognito settings come from /config.json.
//   - locally (no `domain`): user name and password, Cognito's InitiateAuth (USER_PASSWORD_AUTH) as a
//     plain POST with `X-Amz-Target` to `cognito.endpoint` (the local stack's Cognito);
//   - on AWS (`domain`, the hosted sign-in, where a municipality's identity provider is federated):
//     the authorization code flow with PKCE.
// Either way the ID token becomes the session (session.js).

import { saveSession, sessionFromIdToken } from './session.js';

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
