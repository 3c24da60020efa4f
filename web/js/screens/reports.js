// Rapportage (coordinator): the monthly report as tables and bars; the DDAS export as a file.
import { ApiError, errorText, get } from '../api.js';
import { alert, downloadBlob, field, h, table } from '../dom.js';
import { partnerType, todayIso } from '../labels.js';

function monthsBack(count) {
  const [year, month] = todayIso().split('-').map(Number);
  const start = new Date(Date.UTC(year, month - 1 - (count - 1), 1));
  return [`${start.getUTCFullYear()}-${String(start.getUTCMonth() + 1).padStart(2, '0')}`, `${year}-${String(month).padStart(2, '0')}`];
}

function bar(value, max) {
  const width = max ? Math.round((value / max) * 100) : 0;
  const fill = h('span', { class: 'bar__fill' });
  fill.style.width = `${width}%`; // CSSOM, which a CSP without 'unsafe-inline' allows
  return h('span', { class: 'bar', 'aria-hidden': 'true' }, fill);
}

function monthTable(months) {
  const max = Math.max(1, ...months.map((m) => m.cases_opened || 0));
  return table('Per maand', ['Maand', 'Signalen', 'Zaken geopend', 'Meervoudig', 'Herhaald', 'Opgepakt', 'Bereikt', 'Gesloten', ''],
    months.map((m) => h('tr', {}, h('th', { scope: 'row' }, m.month), h('td', { class: 'number' }, String(m.signals?.total ?? 0)),
      h('td', { class: 'number' }, String(m.cases_opened ?? 0)), h('td', { class: 'number' }, String(m.multiple ?? 0)),
      h('td', { class: 'number' }, String(m.repeat ?? 0)), h('td', { class: 'number' }, String(m.picked_up ?? 0)),
      h('td', { class: 'number' }, String(m.reached ?? 0)), h('td', { class: 'number' }, String(m.closed?.total ?? 0)),
      h('td', {}, bar(m.cases_opened || 0, max)))));
}

function totals(months, pick) {
  const sums = new Map();
  for (const month of months) for (const [key, value] of Object.entries(pick(month) || {})) sums.set(key, (sums.get(key) || 0) + value);
  return [...sums.entries()];
}

export async function render(content, context) {
  const { path, query, navigate, code } = context;
  const [defaultFrom, defaultTo] = monthsBack(6);
  const from = /^\d{4}-\d{2}$/.test(query.get('van') || '') ? query.get('van') : defaultFrom;
  const to = /^\d{4}-\d{2}$/.test(query.get('tot') || '') ? query.get('tot') : defaultTo;
  const fromInput = h('input', { type: 'month', name: 'van', class: 'input input--short', value: from });
  const toInput = h('input', { type: 'month', name: 'tot', class: 'input input--short', value: to });
  const form = h('form', { class: 'filters', 'aria-label': 'Periode van de rapportage' },
    field('Van maand', fromInput, { hint: 'jjjj-mm' }), field('Tot en met maand', toInput, { hint: 'jjjj-mm; ten hoogste 24 maanden' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button--primary' }, 'Tonen')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(`#/${code}/rapportage?van=${encodeURIComponent(fromInput.value)}&tot=${encodeURIComponent(toInput.value)}`);
  });
  content.append(h('h1', {}, 'Rapportage'), form);
  const report = h('section', { 'aria-labelledby': 'kop-maand' }, h('h2', { id: 'kop-maand' }, 'Maandrapportage'));
  content.append(report);
  try {
    const answer = await get(path('/reports/monthly'), { query: { from, to } });
    const months = answer.months || [];
    report.append(monthTable(months),
      h('h3', {}, 'Signalen per soort partner'),
      table('Signalen per soort partner in de periode', ['Soort', 'Signalen'],
        totals(months, (m) => m.signals?.by_partner_type).map(([type, n]) => h('tr', {}, h('th', { scope: 'row' }, partnerType(type)), h('td', { class: 'number' }, String(n))))),
      h('h3', {}, 'Gesloten zaken per uitkomst'),
      table('Gesloten zaken per uitkomst in de periode', ['Uitkomst', 'Zaken'],
        totals(months, (m) => m.closed?.by_outcome).map(([outcome, n]) => h('tr', {}, h('th', { scope: 'row' }, outcome), h('td', { class: 'number' }, String(n))))));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    report.append(error instanceof ApiError && error.routeMissing
      ? alert('info', 'De rapportage vult zich zodra de rapportageroute van de API er is (GET …/reports/monthly). Tot dan staan hier nog geen cijfers.')
      : alert('error', errorText(error)));
  }
  content.append(exportSection(context));
}

function exportSection({ path, code }) {
  const today = todayIso();
  const fromInput = h('input', { type: 'date', name: 'from', class: 'input input--short', value: `${today.slice(0, 4)}-01-01`, max: today });
  const toInput = h('input', { type: 'date', name: 'to', class: 'input input--short', value: today, max: today });
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'filters', 'aria-label': 'DDAS-export', novalidate: true },
    field('Van', fromInput), field('Tot en met', toInput, { hint: 'Ten hoogste 366 dagen' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button--primary' }, 'Export downloaden')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!fromInput.value || !toInput.value || fromInput.value > toInput.value) {
      message.replaceChildren(alert('error', 'Kies een begindatum die niet na de einddatum ligt.'));
      return;
    }
    try {
      const blob = await get(path('/exports/ddas'), { query: { from: fromInput.value, to: toInput.value }, as: 'blob' });
      downloadBlob(blob, `ddas-${code}-${fromInput.value}-${toInput.value}.json`);
      message.replaceChildren(alert('ok', 'De DDAS-export is gedownload.'));
    } catch (error) {
      message.replaceChildren(error instanceof ApiError && error.routeMissing
        ? alert('info', 'De DDAS-export is nog niet beschikbaar in de API.') : alert('error', errorText(error)));
    }
  });
  return h('section', { 'aria-labelledby': 'kop-ddas' }, h('h2', { id: 'kop-ddas' }, 'DDAS-export voor CBS'),
    h('p', {}, 'De levering aan CBS over een periode, als JSON-bestand (DDAS v0.9).'), form, message);
}
