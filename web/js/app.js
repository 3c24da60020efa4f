// The werkbakjes workspace (workspace.md): a hash router over the screens.
import { errorText, loadConfig, municipalityPath, whenExpired } from './api.js';
import { alert, announce, clear, h, takeFlash, uid } from './dom.js';
import { ROLES } from './labels.js';
import { basketNames, municipalityName, municipalityNames } from './names.js';
import { currentSession, endSession, finishHostedSignIn, readSession, roleIn, SignInError } from './session.js';
import * as login from './screens/login.js';
import * as baskets from './screens/baskets.js';
import * as basket from './screens/basket.js';
import * as caseScreen from './screens/case.js';
import * as mywork from './screens/mywork.js';
import * as search from './screens/search.js';
import * as criteria from './screens/criteria.js';
import * as reports from './screens/reports.js';

const SCREENS = {
  werkbakjes: { module: baskets, title: 'Werkbakjes', roles: ['consulent', 'coordinator'] },
  bakjes: { module: basket, title: 'Bakje', roles: ['consulent', 'coordinator'], nav: false },
  zaken: { module: caseScreen, title: 'Zaak', roles: ['consulent', 'coordinator', 'bezoeker'], nav: false },
  'mijn-werk': { module: mywork, title: 'Mijn werk', roles: ['consulent', 'coordinator', 'bezoeker'] },
  zoeken: { module: search, title: 'Zoeken', roles: ['consulent', 'coordinator'] },
  afwegingskader: { module: criteria, title: 'Afwegingskader', roles: ['coordinator'] },
  rapportage: { module: reports, title: 'Rapportage', roles: ['coordinator'] },
};

export function parseHash(hash = location.hash) {
  const [pathPart, queryPart] = hash.replace(/^#/, '').split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(queryPart || '') };
}

export function navigate(target) {
  if (location.hash === target) route();
  else location.hash = target;
}

function homeOf(session, code) {
  return roleIn(session, code) === 'bezoeker' ? `#/${code}/mijn-werk` : `#/${code}/werkbakjes`;
}

function toSignIn() {
  endSession();
  const back = location.hash && !location.hash.startsWith('#/inloggen') ? location.hash : '';
  navigate(`#/inloggen${back ? `?terug=${encodeURIComponent(back)}` : ''}`);
}

function renderHeader(session, code, screenName) {
  const user = document.getElementById('gebruiker');
  const nav = document.getElementById('navigatie');
  clear(user);
  clear(nav);
  if (!session) return;
  const memberships = session.memberships || [];
  if (memberships.length > 1 && code) {
    const select = h('select', { id: 'gemeente-kiezer', name: 'gemeente' },
      memberships.map((m) => h('option', { value: m.code, selected: m.code === code, 'data-gemeente': m.code }, municipalityName(m))));
    select.addEventListener('change', () => {
      const next = select.value;
      const keep = ['werkbakjes', 'mijn-werk', 'zoeken', 'afwegingskader', 'rapportage'].includes(screenName);
      navigate(keep && SCREENS[screenName].roles.includes(roleIn(session, next)) ? `#/${next}/${screenName}` : homeOf(session, next));
    });
    user.append(h('div', { class: 'switcher' }, h('label', { for: 'gemeente-kiezer' }, 'Gemeente'), select));
  } else if (code) {
    user.append(h('span', { class: 'page-header__municipality' }, 'Gemeente ',
      h('span', { 'data-gemeente': code }, municipalityName({ code }))));
  }
  const role = code ? roleIn(session, code) : null;
  const who = session.user && session.user.name ? session.user.name : 'Ingelogd';
  user.append(h('span', { class: 'page-header__name' }, who, role ? ` (${ROLES[role] || role})` : ''));
  user.append(h('button', { type: 'button', class: 'button button--subtle', onclick: () => {
    endSession();
    navigate('#/inloggen');
    announce('U bent uitgelogd.');
  } }, 'Uitloggen'));
  if (!code) return;
  const list = h('ul', { class: 'nav__list' });
  for (const [name, screen] of Object.entries(SCREENS)) {
    if (screen.nav === false || !screen.roles.includes(role)) continue;
    const current = name === screenName || (name === 'werkbakjes' && screenName === 'bakjes');
    list.append(h('li', { class: 'nav__item' }, h('a', {
      class: 'nav__link', href: `#/${code}/${name}`, 'aria-current': current ? 'page' : null,
    }, screen.title)));
  }
  nav.append(list);
}

let generation = 0;

// The addresses that are screens; another hash (`#inhoud`, the skip link) is a place in the page.
function isRouted(hash) {
  return !hash || hash.startsWith('#/');
}

export async function route() {
  generation += 1;
  const mine = generation;
  const hash = location.hash;
  // The address changed meanwhile: the newer route() decides. The hash is compared too,
  // since its hashchange may still be queued (a link followed while the app loads):
  // going on with the parts read before would navigate away from where the user went.
  // Only an address the hashchange listener routes on (empty or `#/…`) has a newer route().
  const stale = () => mine !== generation || (isRouted(location.hash) && location.hash !== hash);
  const main = document.getElementById('inhoud');
  const { parts, query } = parseHash();
  const config = await loadConfig();
  if (stale()) return;
  let problem = null;
  try {
    const back = await finishHostedSignIn(config.cognito);
    if (back) { navigate(back); return; } // signed in: where the person was going, even if stale
    if (stale()) return;
  } catch (error) {
    problem = error instanceof SignInError ? error.message : 'Inloggen is niet gelukt.';
  }
  const session = currentSession();

  if (parts[0] === 'inloggen' || !session) {
    if (parts[0] !== 'inloggen' && !problem) {
      if (readSession()) announce('Uw sessie is verlopen. Log opnieuw in.');
      toSignIn();
      return;
    }
    renderHeader(null);
    document.title = 'Inloggen – Vroegsignaal';
    clear(main);
    await login.render({ main, query, config, navigate, problem });
    focusHeading(main);
    return;
  }

  const memberships = session.memberships || [];
  if (!memberships.length) {
    renderHeader(session, null);
    clear(main).append(h('h1', { tabindex: '-1' }, 'Geen gemeente'),
      alert('warning', 'Uw account hoort (nog) bij geen gemeente. Vraag uw coördinator of beheerder om u toe te voegen.'));
    focusHeading(main);
    return;
  }
  const [code, screenName, ...rest] = parts;
  if (!code || !memberships.some((m) => m.code === code)) {
    navigate(homeOf(session, memberships[0].code));
    return;
  }
  const screen = SCREENS[screenName];
  if (!screen) {
    navigate(homeOf(session, code));
    return;
  }
  renderHeader(session, code, screenName);
  clear(main);
  const role = roleIn(session, code);
  if (!screen.roles.includes(role)) {
    document.title = 'Geen toegang – Vroegsignaal';
    main.append(h('h1', { tabindex: '-1' }, 'Geen toegang'),
      alert('warning', `Dit scherm is er niet voor de rol ${ROLES[role] || role}.`));
    focusHeading(main);
    return;
  }
  document.title = `${screen.title} – Vroegsignaal`;
  main.append(h('p', { class: 'loading' }, 'Bezig met laden…'));
  const context = {
    code, rest, query, session, role, config, navigate,
    isCurrent: () => mine === generation,
    path: (tail) => municipalityPath(code, tail),
    basketNames: (refresh = false) => basketNames(code, refresh),
  };
  const content = h('div', { class: 'screen' });
  try {
    await screen.module.render(content, context);
  } catch (error) {
    if (error && error.status === 401) return;
    content.append(alert('error', errorText(error)));
    console.error(error); // eslint-disable-line no-console
  }
  if (mine !== generation) return;
  const message = takeFlash();
  let note = null;
  if (message) {
    // The message once: a status region in the screen, filled once it is in the page so
    // that assistive technology announces it (not also the page's own live region).
    const heading = content.querySelector('h1');
    note = h('div', { class: 'alert alert--ok', role: 'status', id: uid('melding') });
    if (heading) heading.after(note); else content.prepend(note);
  }
  clear(main).append(content);
  focusHeading(main);
  if (note) setTimeout(() => { note.textContent = message; }, 50);
  nameMunicipalities(session);
}

// The header names the municipalities once their names are known (each baskets answer
// carries its own; one request per municipality for the page's life, none for a bezoeker),
// in place, so nothing the person is using in the header is replaced.
function nameMunicipalities(session) {
  const asked = (session.memberships || []).filter((m) => m.role !== 'bezoeker' && !m.name)
    .map((m) => basketNames(m.code).catch(() => null));
  Promise.all(asked).then(() => {
    for (const element of document.querySelectorAll('#gebruiker [data-gemeente]')) {
      const name = municipalityNames.get(element.dataset.gemeente);
      if (name && element.textContent !== name) element.textContent = name;
    }
  });
}

function focusHeading(main) {
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

// The skip link moves the focus, not the route (the router owns the address's hash).
document.querySelector('.skip-link')?.addEventListener('click', (event) => {
  event.preventDefault();
  document.getElementById('inhoud').focus();
});

whenExpired(toSignIn);
window.addEventListener('hashchange', () => {
  if (isRouted(location.hash)) route();
});
route();
