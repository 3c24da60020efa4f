// Inloggen: user name and password against Cognito (InitiateAuth); back to where the person was.
import { alert, field, h } from '../dom.js';
import { currentSession, saveSession, SignInError, signIn, startHostedSignIn } from '../session.js';

export async function render({ main, query, config, navigate, problem }) {
  const back = query.get('terug');
  const session = currentSession();
  const heading = h('h1', {}, 'Inloggen');
  const message = h('div', { 'aria-live': 'polite' });
  if (problem) message.append(alert('error', problem));
  else if (back && !session) message.append(alert('info', 'Log in om verder te gaan waar u was.'));
  const username = h('input', { name: 'gebruikersnaam', type: 'text', autocomplete: 'username', class: 'input' });
  const password = h('input', { name: 'wachtwoord', type: 'password', autocomplete: 'current-password', class: 'input' });
  const button = h('button', { type: 'submit', class: 'button button--primary' }, 'Inloggen');
  const form = h('form', { class: 'form form--narrow', novalidate: true },
    field('Gebruikersnaam', username, { required: true }),
    field('Wachtwoord', password, { required: true }),
    h('div', { class: 'form-actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.replaceChildren();
    if (!username.value.trim() || !password.value) {
      message.append(alert('error', 'Vul uw gebruikersnaam en wachtwoord in.'));
      (username.value.trim() ? password : username).focus();
      return;
    }
    button.disabled = true;
    try {
      const signedIn = await signIn(config.cognito, username.value.trim(), password.value);
      saveSession(signedIn);
      navigate(back && back.startsWith('#/') ? back : '#/');
    } catch (error) {
      message.append(alert('error', error instanceof SignInError ? error.message : 'Inloggen is niet gelukt.'));
      password.value = '';
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  const intro = config.cognito && config.cognito.endpoint
    ? 'Log in met de gebruikersnaam en het wachtwoord van uw account. Op de lokale omgeving staan de demogebruikers in de uitvoer van make serve.'
    : 'Log in met de gebruikersnaam en het wachtwoord van uw account.';
  const cognito = config.cognito || {};
  if (cognito.domain) {
    const hosted = h('button', { type: 'button', class: 'button button--primary', id: 'inloggen-organisatie' },
      'Inloggen via uw organisatie');
    hosted.addEventListener('click', () => startHostedSignIn(cognito, back && back.startsWith('#/') ? back : '#/'));
    main.append(heading, message, h('p', {}, 'Log in met het account van uw organisatie.'), h('div', { class: 'form-actions' }, hosted));
    if (!cognito.endpoint) return;
    main.append(h('h2', {}, 'Of met gebruikersnaam en wachtwoord'));
    main.append(h('p', {}, intro), form);
  } else {
    main.append(heading, h('p', {}, intro), message, form);
  }
  if (session) {
    main.append(alert('info', 'U bent al ingelogd. ', h('a', { href: '#/' }, 'Naar uw werkbakjes')));
  }
}
