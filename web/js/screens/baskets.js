// Werkbakjes: every basket of the active criteria in order, then inactive ones still holding cases.
import { get } from '../api.js';
import { alert, h, table } from '../dom.js';
import { ageText, pathText } from '../labels.js';
import { rememberBaskets } from '../names.js';

function row(code, basket) {
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/${code}/bakjes/${encodeURIComponent(basket.id)}` }, basket.name)),
    h('td', {}, pathText(basket.path)),
    h('td', { class: 'number' }, String(basket.open_cases)),
    h('td', { class: 'number' }, String(basket.open_signals)),
    h('td', {}, basket.oldest_open_case_at ? ageText(basket.oldest_open_case_at) : '–'));
}

const HEADERS = ['Werkbakje', 'Behandelpad', 'Open zaken', 'Open signalen', 'Oudste open zaak'];

export async function render(content, { code, path }) {
  const answer = await get(path('/baskets'));
  rememberBaskets(code, answer);
  const active = answer.baskets.filter((b) => b.active);
  const inactive = answer.baskets.filter((b) => !b.active);
  const total = active.reduce((sum, b) => sum + b.open_cases, 0) + inactive.reduce((sum, b) => sum + b.open_cases, 0);
  content.append(
    h('h1', {}, 'Werkbakjes'),
    h('p', { class: 'lead' }, total === 1 ? 'Er is 1 open zaak.' : `Er zijn ${total} open zaken.`),
    table('Werkbakjes van het actieve afwegingskader, in volgorde', HEADERS, active.map((b) => row(code, b))));
  if (inactive.length) {
    content.append(
      h('h2', {}, 'Bakjes van een eerder afwegingskader'),
      h('p', {}, 'Deze bakjes staan niet meer in het actieve afwegingskader, maar hebben nog open zaken.'),
      table('Bakjes van een eerder afwegingskader met open zaken', HEADERS, inactive.map((b) => row(code, b))));
  }
  if (!answer.baskets.length) content.append(alert('info', 'Er zijn geen werkbakjes.'));
}
