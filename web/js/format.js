// How a case summary reads in lists (bakje, zoeken) and in its CSV download.
import { dateText, moneyText, nextStepText, partnerType } from './labels.js';

// "3441AB" -> "3441 AB", as Dutch addresses write it; anything else as given.
export function postcodeText(postcode) {
  const compact = String(postcode || '').replace(/\s+/g, '').toUpperCase();
  return /^[1-9][0-9]{3}[A-Z]{2}$/.test(compact) ? `${compact.slice(0, 4)} ${compact.slice(4)}` : String(postcode || '');
}

export function addressLine(item) {
  const number = [item.house_number, item.house_number_suffix].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
  const street = [item.street, number].filter(Boolean).join(' ');
  const place = [postcodeText(item.postcode), item.city].filter(Boolean).join(' ');
  return [street, place].filter(Boolean).join(', ');
}

export function namesText(names) {
  return (names || []).join(', ') || 'onbekend';
}

export function partnerTypesText(types) {
  return (types || []).map(partnerType).join(', ');
}

export function kenmerkText(item) {
  return item.kenmerk || '–';
}

const CSV_COLUMNS = [
  ['Kenmerk', (c) => c.kenmerk || ''],
  ['Namen', (c) => namesText(c.names)],
  ['Straat', (c) => c.street || ''],
  ['Huisnummer', (c) => c.house_number ?? ''],
  ['Toevoeging', (c) => c.house_number_suffix || ''],
  ['Postcode', (c) => postcodeText(c.postcode)],
  ['Plaats', (c) => c.city || ''],
  ['Soorten partner', (c) => partnerTypesText(c.partner_types)],
  ['Totaalbedrag', (c) => c.total_amount || ''],
  ['Signalen', (c) => c.signal_count ?? ''],
  ['Geopend', (c) => (c.opened_at || '').slice(0, 10)],
  ['Volgende stap', (c) => (c.next_step ? nextStepText(c.next_step) : '')],
  ['Status', (c) => c.status || ''],
];

function cell(value) {
  let text = String(value);
  // A cell a spreadsheet would run as a formula is kept as text.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Semicolons and a byte order mark: what Excel in a Dutch locale opens as columns.
export function casesCsv(cases) {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(';')];
  for (const item of cases) lines.push(CSV_COLUMNS.map(([, value]) => cell(value(item))).join(';'));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function openedText(item) {
  return dateText(item.opened_at);
}

export function amountText(item) {
  return moneyText(item.total_amount);
}
