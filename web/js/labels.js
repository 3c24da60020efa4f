// Dutch words for the API's values: one place, so every screen says the same.

export const PARTNER_TYPES = {
  housing: 'Huur', energy: 'Energie', water: 'Water',
  health_insurance: 'Zorg', mortgage: 'Hypotheek', other: 'Overig',
};

export const ACTIONS = {
  letter: 'brief', email: 'e-mail', phone_call: 'bellen', home_visit: 'huisbezoek', none: 'geen actie',
};

export const TASK_TYPES = { phone_call: 'Bellen', home_visit: 'Huisbezoek' };

export const TASK_STATUSES = { open: 'open', done: 'afgerond', cancelled: 'vervallen' };

export const CASE_STATUSES = { open: 'open', closed: 'gesloten' };

export const CONTACT_TYPES = ['Telefoon', 'Huisbezoek', 'Brief', 'Mail', 'SMS/Whatsapp', 'Kaartje', 'Overige',
  'Administratief'];

export const PARTS_OF_DAY = ['Ochtend', 'Middag', 'Avond'];

export const ROLES = { consulent: 'consulent', coordinator: 'coördinator', bezoeker: 'bezoeker' };

// DDAS v0.9 EnumEindresultaat, exactly these strings, grouped as a consultant thinks of them.
export const OUTCOME_GROUPS = [
  ['Niet opgepakt', ['Niet opgepakt: herhaalde melding', 'Niet opgepakt: onterecht signaal',
    'Niet opgepakt: andere reden', 'Inwoner is overleden', 'Persoon is geen inwoner (meer) in de gemeente']],
  ['Al in beeld', ['Inwoner al bekend bij schuldhulpverlening', 'Inwoner heeft al een ander lopend traject']],
  ['Geen contact', ['Definitief geen contact kunnen krijgen', 'Geen reactie na eerder contact',
    'Verwijzing zonder contact']],
  ['Contact, geen hulp nodig', ['Inwoner hoeft geen hulp vanuit vroegsignalering',
    'Inwoner heeft zelf al betaald/betalingsregeling getroffen']],
  ['Hulp geboden', ['(Budget)advies en/of quick fix', 'Vervolghulp en/of verwijzing financieel',
    'Vervolghulp en/of verwijzing niet financieel']],
];

// The facts of criteria.md with the words a consultant uses.
export const FACTS = {
  age: { label: 'Leeftijd jongste schuldenaar', unit: 'jaar', type: 'integer' },
  signal_count: { label: 'Aantal signalen', type: 'integer' },
  partner_count: { label: 'Verschillende signaalpartners', type: 'integer' },
  partner_types: { label: 'Soorten signaalpartners', type: 'partner_types' },
  partner_type: { label: 'Soort partner van het laatste signaal', type: 'partner_type' },
  amount: { label: 'Bedrag van het laatste signaal', type: 'money' },
  total_amount: { label: 'Totaalbedrag', type: 'money' },
  max_amount: { label: 'Hoogste bedrag', type: 'money' },
  days_in_arrears: { label: 'Dagen achterstand', unit: 'dagen', type: 'integer' },
  high_amount: { label: 'Hoog bedrag', type: 'boolean' },
  repeat: { label: 'Herhaalde melding', type: 'boolean' },
  crisis: { label: 'Crisis', type: 'boolean' },
  warm_transfer: { label: 'Warme overdracht', type: 'boolean' },
  supply_ending: { label: 'Eindelevering', type: 'boolean' },
  postcode: { label: 'Postcode', type: 'string' },
  has_phone: { label: 'Telefoonnummer bekend', type: 'boolean' },
  has_email: { label: 'E-mailadres bekend', type: 'boolean' },
};

export const STEP_STATUSES = {
  pending: 'gepland', queued: 'gepland', skipped: 'overgeslagen', cancelled: 'vervallen', failed: 'mislukt',
  task_created: 'taak aangemaakt', task_done: 'taak afgerond',
};

export const AUDIT_ACTIONS = {
  'criteria.uploaded': 'afwegingskader geüpload', 'criteria.activated': 'afwegingskader geactiveerd',
  'letter_template.changed': 'briefsjabloon gewijzigd', 'case.viewed': 'zaak bekeken',
  'letter.downloaded': 'brief geopend', 'case.moved': 'zaak verplaatst',
  'contact_attempt.registered': 'contactpoging geregistreerd', 'task.assigned': 'taak toegewezen',
  'task.finished': 'taak afgerond', 'task.done': 'taak afgerond', 'case.closed': 'zaak gesloten',
  'search.performed': 'gezocht', 'export.downloaded': 'export gedownload',
};

export function partnerType(value) {
  return PARTNER_TYPES[value] || value || '';
}

export function action(value) {
  return ACTIONS[value] || value || '';
}

// A path as consultants read it: "brief, na 14 dagen bellen".
export function pathText(path) {
  if (!path || !path.length) return 'geen pad bekend';
  return path.map((step) => {
    const word = action(step.action);
    return step.after_days ? `na ${step.after_days} ${step.after_days === 1 ? 'dag' : 'dagen'} ${word}` : word;
  }).join(', ');
}

// The path's next step (`next_step`, or null when the path has nothing planned: a task it
// made may still be open, which a list of cases does not know).
export function nextStepText(next) {
  if (!next) return 'geen geplande stap';
  return next.due ? `${action(next.action)} op ${dateText(next.due)}` : action(next.action);
}

// A case's open tasks in one wording for every screen: "bellen, uiterlijk 12 dec 2026";
// `holder` adds who has each ("(op uw naam)") where the screen knows.
export function openTaskList(tasks, holder = () => '') {
  return (tasks || []).filter((t) => t.status === 'open')
    .map((t) => `${action(t.type)}${t.due ? `, uiterlijk ${dateText(t.due)}` : ''}${holder(t)}`).join('; ');
}

// The open tasks of a case as the next thing to do: "Open taak: bellen, uiterlijk 12 dec 2026".
export function openTasksText(tasks, holder) {
  const count = (tasks || []).filter((t) => t.status === 'open').length;
  if (!count) return '';
  return `${count === 1 ? 'Open taak' : 'Open taken'}: ${openTaskList(tasks, holder)}`;
}

const DATE = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const MOMENT = new Intl.DateTimeFormat('nl-NL', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam',
});
const MONEY = new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' });

export function dateText(value) {
  if (!value) return '';
  const day = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? value : DATE.format(day);
}

export function momentText(value) {
  if (!value) return '';
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? value : MOMENT.format(moment);
}

export function moneyText(value) {
  if (value === null || value === undefined || value === '') return '';
  const number = Number(value);
  return Number.isFinite(number) ? MONEY.format(number) : String(value);
}

export function ageText(timestamp, now = Date.now()) {
  if (!timestamp) return '';
  const days = Math.floor((now - new Date(timestamp).getTime()) / 86400000);
  if (!Number.isFinite(days)) return '';
  if (days < 1) return 'vandaag';
  return days === 1 ? '1 dag' : `${days} dagen`;
}

export function todayIso() {
  // The consultant's own calendar day (Europe/Amsterdam), as the API counts dates.
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
  return parts.slice(0, 10);
}

export function yesNo(value) {
  return value ? 'ja' : 'nee';
}
