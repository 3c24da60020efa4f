// Bakje: its cases, oldest first, with filters, more on request and a CSV download.
import { ApiError, errorText, get } from '../api.js';
import { alert, downloadBlob, field, h, labelCells, table } from '../dom.js';
import { nextStepText, PARTNER_TYPES, pathText } from '../labels.js';
import { addressLine, amountText, casesCsv, kenmerkText, namesText, openedText, partnerTypesText } from '../format.js';

const PAGE_SIZES = ['50', '100', '200'];
const CSV_MAX_PAGES = 50;

// The screen's filters (in the address, so a filtered basket can be shared and reloaded)
// and the API's names for them.
const FILTERS = { postcode: 'postcode_prefix', soort: 'partner_type', min: 'min_amount', max: 'max_amount' };

function filtersFrom(query) {
  const filters = {};
  for (const name of Object.keys(FILTERS)) {
    const value = (query.get(name) || '').trim();
    if (value) filters[name] = name === 'postcode' ? value.replace(/\s+/g, '').toUpperCase() : value;
  }
  return filters;
}

function apiQuery(filters) {
  const query = {};
  for (const [name, value] of Object.entries(filters)) query[FILTERS[name]] = value;
  return query;
}

// The same filters in the browser, for an API that does not filter yet.
function matches(item, filters) {
  if (filters.postcode && !String(item.postcode || '').toUpperCase().startsWith(filters.postcode)) return false;
  if (filters.soort && !(item.partner_types || []).includes(filters.soort)) return false;
  const amount = Number(item.total_amount);
  if (filters.min && !(amount >= Number(filters.min))) return false;
  if (filters.max && !(amount <= Number(filters.max))) return false;
  return true;
}

export function caseRow(code, item, { withStatus = false } = {}) {
  return h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/${code}/zaken/${encodeURIComponent(item.case_id)}` }, namesText(item.names))),
    h('td', {}, kenmerkText(item)),
    h('td', {}, addressLine(item)),
    h('td', {}, partnerTypesText(item.partner_types)),
    h('td', { class: 'number' }, amountText(item)),
    h('td', { class: 'number' }, String(item.signal_count ?? '')),
    h('td', {}, openedText(item)),
    withStatus ? h('td', {}, item.status === 'closed' ? 'gesloten' : 'open') : h('td', {}, nextStepText(item.next_step)));
}

export const CASE_HEADERS = ['Namen', 'Kenmerk', 'Adres', 'Partners', 'Totaalbedrag', 'Signalen', 'Geopend', 'Volgende stap'];

export async function render(content, context) {
  const { code, rest, query, path, basketNames, navigate } = context;
  const basketId = rest[0];
  const filters = filtersFrom(query);
  const status = ['open', 'closed', 'all'].includes(query.get('status')) ? query.get('status') : 'open';
  // Any page size the API allows (1–200) may be in the address; the menu offers the usual ones.
  const asked = /^[1-9][0-9]{0,2}$/.test(query.get('aantal') || '') && Number(query.get('aantal')) <= 200;
  const limit = asked ? String(Number(query.get('aantal'))) : '50';
  const names = await basketNames();
  const basket = names.get(basketId);

  content.append(
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/${code}/werkbakjes` }, 'Werkbakjes'), ' › ', basket ? basket.name : basketId),
    h('h1', {}, basket ? basket.name : `Bakje ${basketId}`));
  if (basket) {
    content.append(h('p', { class: 'lead' }, `Behandelpad: ${pathText(basket.path)}.`,
      basket.active ? '' : ' Dit bakje staat niet meer in het actieve afwegingskader.'));
  }

  // ---- filters
  const postcode = h('input', { name: 'postcode', class: 'input input--short', value: filters.postcode || '', maxlength: '6',
    autocomplete: 'off' });
  const kind = h('select', { name: 'soort', class: 'select' }, h('option', { value: '' }, 'Alle soorten'),
    Object.entries(PARTNER_TYPES).map(([value, label]) => h('option', { value, selected: filters.soort === value }, label)));
  const min = h('input', { name: 'min', class: 'input input--short', inputmode: 'decimal', value: filters.min || '' });
  const max = h('input', { name: 'max', class: 'input input--short', inputmode: 'decimal', value: filters.max || '' });
  const statusSelect = h('select', { name: 'status', class: 'select' },
    [['open', 'Open zaken'], ['closed', 'Gesloten zaken'], ['all', 'Alle zaken']].map(([value, label]) =>
      h('option', { value, selected: status === value }, label)));
  const size = h('select', { name: 'aantal', class: 'select' },
    [...new Set([...PAGE_SIZES, limit])].sort((a, b) => a - b).map((value) => h('option', { value, selected: limit === value }, value)));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Zaken filteren' },
    field('Postcode begint met (wijk)', postcode, { hint: 'Bijvoorbeeld 3441 of 3441A' }),
    field('Soort partner', kind),
    field('Totaalbedrag vanaf (€)', min),
    field('Totaalbedrag tot en met (€)', max),
    field('Zaken', statusSelect),
    field('Per keer tonen', size),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button--primary' }, 'Filteren'),
      h('a', { class: 'button button--secondary', href: `#/${code}/bakjes/${encodeURIComponent(basketId)}` }, 'Wis filters')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const control of [postcode, kind, min, max]) if (control.value.trim()) next.set(control.name, control.value.trim());
    if (statusSelect.value !== 'open') next.set('status', statusSelect.value);
    if (size.value !== '50') next.set('aantal', size.value);
    const text = next.toString();
    navigate(`#/${code}/bakjes/${encodeURIComponent(basketId)}${text ? `?${text}` : ''}`);
  });
  content.append(h('details', { class: 'filter-panel', open: Object.keys(filters).length > 0 || status !== 'open' },
    h('summary', {}, 'Filters'), form));

  // ---- the cases
  const notices = h('div', {});
  const tbody = h('tbody', {});
  const count = h('p', { class: 'count', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'button button--secondary', hidden: true }, 'Meer zaken laden');
  const csv = h('button', { type: 'button', class: 'button button--secondary' }, 'Download als CSV');
  const caption = `Zaken in ${basket ? basket.name : basketId}, oudste eerst`;
  const list = h('div', { class: 'table-wrapper', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'table table--cards', id: 'zaken' }, h('caption', {}, caption),
      h('thead', {}, h('tr', {}, CASE_HEADERS.map((text) => h('th', { scope: 'col' }, text)))), tbody));
  content.append(notices, count, list, h('div', { class: 'form-actions' }, more, csv));

  let serverFilters = true;
  let cursor = null;
  let shown = 0;

  async function fetchPage(pageCursor) {
    const base = { status, limit, cursor: pageCursor || undefined };
    if (serverFilters) {
      try {
        return await get(path(`/baskets/${encodeURIComponent(basketId)}/cases`), { query: { ...base, ...apiQuery(filters) } });
      } catch (error) {
        if (!(error instanceof ApiError) || !error.unknownQueryParameters.length) throw error;
        serverFilters = false;
        notices.append(alert('info', 'De API filtert deze lijst nog niet zelf: de filters werken hier op de geladen zaken. ',
          'Laad meer zaken om verder te zoeken.'));
      }
    }
    const page = await get(path(`/baskets/${encodeURIComponent(basketId)}/cases`), { query: base });
    return { ...page, cases: page.cases.filter((item) => matches(item, filters)) };
  }

  function show(page, measure) {
    const rows = document.createDocumentFragment();
    for (const item of page.cases) rows.append(labelCells(caseRow(code, item), CASE_HEADERS));
    tbody.append(rows);
    shown += page.cases.length;
    cursor = page.next_cursor;
    more.hidden = !cursor;
    count.textContent = shown === 1 ? '1 zaak getoond' : `${shown} zaken getoond${cursor ? '; er zijn er meer' : ''}`;
    if (measure) {
      void list.offsetHeight; // layout done: what the person sees
      performance.mark('bakje:getoond');
      performance.measure('bakje:weergave', 'bakje:gegevens', 'bakje:getoond');
    }
  }

  try {
    const first = await fetchPage(null);
    performance.clearMarks('bakje:gegevens');
    performance.clearMeasures('bakje:weergave');
    performance.mark('bakje:gegevens');
    // The rows go in once the screen is in the page, so the measurement includes their layout.
    requestAnimationFrame(() => { show(first, true); list.dataset.klaar = 'true'; });
    if (!first.cases.length && !first.next_cursor) {
      notices.append(alert('info', Object.keys(filters).length ? 'Geen zaken die aan de filters voldoen.' : 'Dit bakje is leeg.'));
    }
  } catch (error) {
    if (error.status === 404 && !error.routeMissing) notices.append(alert('error', 'Dit bakje bestaat niet (meer).'));
    else throw error;
  }

  more.addEventListener('click', async () => {
    if (!cursor) return;
    more.disabled = true;
    try {
      show(await fetchPage(cursor), false);
    } catch (error) {
      notices.append(alert('error', errorText(error)));
    } finally {
      more.disabled = false;
    }
  });

  csv.addEventListener('click', async () => {
    csv.disabled = true;
    try {
      const all = [];
      let next = null;
      for (let page = 0; page < CSV_MAX_PAGES; page += 1) {
        const answer = await fetchPageForCsv(next);
        all.push(...answer.cases);
        next = answer.next_cursor;
        if (!next) break;
      }
      downloadBlob(new Blob([casesCsv(all)], { type: 'text/csv;charset=utf-8' }), `bakje-${basketId}-${code}.csv`);
      notices.replaceChildren(alert('ok', `${all.length} zaken gedownload als CSV.`));
    } catch (error) {
      notices.append(alert('error', errorText(error)));
    } finally {
      csv.disabled = false;
    }
  });

  async function fetchPageForCsv(pageCursor) {
    const base = { status, limit: '200', cursor: pageCursor || undefined };
    const page = await get(path(`/baskets/${encodeURIComponent(basketId)}/cases`),
      { query: serverFilters ? { ...base, ...apiQuery(filters) } : base });
    return serverFilters ? page : { ...page, cases: page.cases.filter((item) => matches(item, filters)) };
  }
}
