// Zoeken: by kenmerk, by postcode + huisnummer (+ toevoeging), by last name.
import { ApiError, errorText, get } from '../api.js';
import { alert, field, h, table } from '../dom.js';
import { CASE_HEADERS, caseRow } from './basket.js';

const KENMERK = /^[2-9A-HJKMNP-Z]{8}$/;   // no 0, O, 1, I, L
const POSTCODE = /^[1-9][0-9]{3}[A-Z]{2}$/;

export function normaliseKenmerk(text) {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

export function normalisePostcode(text) {
  return text.replace(/\s+/g, '').toUpperCase();
}

function searchForm(title, fields, onSubmit, id) {
  const form = h('form', { class: 'form search-form', role: 'search', 'aria-label': title, id, novalidate: true },
    h('h2', {}, title), ...fields,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button--primary' }, 'Zoeken')));
  form.addEventListener('submit', (event) => { event.preventDefault(); onSubmit(); });
  return form;
}

export async function render(content, context) {
  const { code, query, navigate } = context;
  const results = h('div', { id: 'zoekresultaten', 'aria-live': 'polite' });
  const go = (params) => navigate(`#/${code}/zoeken?${new URLSearchParams(params).toString()}`);

  const kenmerk = h('input', { name: 'kenmerk', class: 'input input--short', autocomplete: 'off', value: query.get('kenmerk') || '' });
  const postcode = h('input', { name: 'postcode', class: 'input input--short', autocomplete: 'off', value: query.get('postcode') || '' });
  const number = h('input', { name: 'huisnummer', class: 'input input--short', inputmode: 'numeric', value: query.get('huisnummer') || '' });
  const suffix = h('input', { name: 'toevoeging', class: 'input input--short', value: query.get('toevoeging') || '' });
  const name = h('input', { name: 'naam', class: 'input', autocomplete: 'off', value: query.get('naam') || '' });

  content.append(h('h1', {}, 'Zoeken'),
    h('p', { class: 'lead' }, 'Vind een open of gesloten zaak, bijvoorbeeld als een inwoner belt met het kenmerk uit de brief.'),
    h('div', { class: 'search-grid' },
      searchForm('Op kenmerk', [field('Kenmerk', kenmerk, { hint: 'Zoals op de brief, bijvoorbeeld K7QM-4XPD' })],
        () => go({ kenmerk: kenmerk.value.trim() }), 'zoek-kenmerk'),
      searchForm('Op adres', [field('Postcode', postcode, { hint: 'Bijvoorbeeld 3441 AB' }), field('Huisnummer', number),
        field('Toevoeging', suffix, { hint: 'Niet verplicht' })],
      () => go({ postcode: postcode.value.trim(), huisnummer: number.value.trim(), ...(suffix.value.trim() ? { toevoeging: suffix.value.trim() } : {}) }),
      'zoek-adres'),
      searchForm('Op achternaam', [field('Achternaam (begin)', name, { hint: 'Minstens 2 letters; hoofdletters en accenten tellen niet' })],
        () => go({ naam: name.value.trim() }), 'zoek-naam')),
    results);

  // What to ask the API, from the address of this screen; problems said in Dutch before asking.
  let apiQuery = null;
  let problem = null;
  if (query.has('kenmerk')) {
    const value = normaliseKenmerk(query.get('kenmerk'));
    if (!KENMERK.test(value)) problem = 'Een kenmerk heeft 8 tekens (letters en cijfers, zonder 0, O, 1, I en L), bijvoorbeeld K7QM-4XPD.';
    apiQuery = { kenmerk: value };
  } else if (query.has('postcode') || query.has('huisnummer')) {
    const value = normalisePostcode(query.get('postcode') || '');
    const house = (query.get('huisnummer') || '').trim();
    if (!POSTCODE.test(value)) problem = 'Vul een postcode in zoals 3441 AB.';
    else if (!/^[1-9][0-9]{0,4}$/.test(house)) problem = 'Vul een huisnummer in (alleen cijfers; de toevoeging apart).';
    apiQuery = { postcode: value, house_number: house, house_number_suffix: query.get('toevoeging') || undefined };
  } else if (query.has('naam')) {
    const value = (query.get('naam') || '').trim();
    if (value.length < 2 || value.length > 100) problem = 'Vul minstens 2 letters van de achternaam in.';
    apiQuery = { name: value };
  }
  if (!apiQuery) return;
  if (problem) {
    results.append(alert('error', problem));
    return;
  }
  try {
    const answer = await get(context.path('/cases'), { query: apiQuery });
    const cases = answer.cases || [];
    results.append(h('h2', {}, 'Resultaten'));
    if (!cases.length) {
      results.append(h('p', {}, 'Geen zaken gevonden.'));
      return;
    }
    results.append(h('p', {}, cases.length === 1 ? '1 zaak gevonden.' : `${cases.length} zaken gevonden${answer.next_cursor ? ' (de eerste)' : ''}.`),
      table('Gevonden zaken, nieuwste eerst', [...CASE_HEADERS.slice(0, -1), 'Status'], cases.map((c) => caseRow(code, c, { withStatus: true }))));
  } catch (error) {
    if (error instanceof ApiError && error.routeMissing) {
      results.append(alert('warning', 'Zoeken is nog niet beschikbaar: de zoekfunctie van de API komt er nog aan. ',
        'Tot dan vindt u een zaak via de werkbakjes.'));
      return;
    }
    results.append(alert('error', errorText(error)));
  }
}
