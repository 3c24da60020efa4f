// Zaak: everything about one case, and what a consultant does with it.
import { ApiError, dutch, errorText, get, patch, post } from '../api.js';
import { alert, field, flash, h, showFieldErrors, table, uid } from '../dom.js';
import {
  action, CONTACT_TYPES, dateText, momentText, moneyText, nextStepText, openTaskList, openTasksText, OUTCOME_GROUPS, PARTS_OF_DAY,
  partnerType, STEP_STATUSES, TASK_STATUSES, TASK_TYPES, todayIso, yesNo, FACTS,
} from '../labels.js';
import { historyLines } from '../history.js';
import { addressLine, namesText } from '../format.js';
import { DEFAULT_CRITERIA, explainClassification } from '../explain.js';

function latest(signals, pick) {
  const sorted = [...signals].sort((a, b) => String(a.signal_date).localeCompare(String(b.signal_date))
    || String(a.received_at || '').localeCompare(String(b.received_at || '')));
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const value = pick(sorted[i]);
    if (value) return value;
  }
  return null;
}

// The household's address: from the summary when the API gives street and city, else the latest signal's.
function address(item) {
  const fromSignal = latest(item.signals || [], (s) => s.debtor && s.debtor.address) || {};
  return {
    street: item.street || fromSignal.street, house_number: item.house_number ?? fromSignal.house_number,
    house_number_suffix: item.house_number_suffix ?? fromSignal.house_number_suffix,
    postcode: item.postcode || fromSignal.postcode, city: item.city || fromSignal.city,
  };
}

// What happens next: the path's next step and the open tasks (a task the path made is
// work to do, though the path itself has no step planned).
function nextText(item, tasks) {
  const parts = [item.next_step ? nextStepText(item.next_step) : '', openTasksText(tasks)].filter(Boolean);
  return parts.join('; ') || 'geen';
}

function section(title, ...children) {
  const id = uid('sectie');
  return h('section', { class: 'case-section', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

async function optional(promise) {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    return { unavailable: error };
  }
}

function flags(signal) {
  return [signal.crisis && 'crisis', signal.supply_ending && 'eindelevering', signal.warm_transfer && 'warme overdracht']
    .filter(Boolean).join(', ') || '–';
}

// A task step's status from its task (the API gives it): a created task is not a done one.
const TASK_STEP_STATUSES = { open: 'taak aangemaakt', done: 'taak afgerond', cancelled: 'taak vervallen' };

// Dutch status of a path step; a task step tells a created task from a done one.
function stepStatus(step, tasks) {
  if (STEP_STATUSES[step.status]) return STEP_STATUSES[step.status];
  if (step.status !== 'done') return step.status;
  if (step.task_status) return TASK_STEP_STATUSES[step.task_status] || step.task_status;
  if (step.action === 'phone_call' || step.action === 'home_visit') {
    const task = tasks.find((t) => t.type === step.action && (!step.basket_id || t.basket_id === step.basket_id));
    if (task && task.status === 'done') return 'taak afgerond';
    if (task && task.status === 'cancelled') return 'taak vervallen';
    return 'taak aangemaakt';
  }
  if (step.action === 'letter') return 'brief verstuurd';
  if (step.action === 'email') return 'e-mail verstuurd';
  return 'gedaan';
}

export async function render(content, context) {
  const { code, rest, path, session, role, navigate, basketNames } = context;
  const caseId = rest[0];
  let item;
  try {
    item = await get(path(`/cases/${encodeURIComponent(caseId)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      content.append(h('h1', {}, 'Zaak niet gevonden'), alert('warning', 'Deze zaak bestaat niet (meer) in deze gemeente.'));
      return;
    }
    throw error;
  }
  const visitor = role === 'bezoeker';
  const [names, criteria, users] = await Promise.all([
    visitor ? new Map() : basketNames(),
    visitor ? null : optional(get(path('/criteria'))),
    visitor ? null : optional(get(path('/users'))),
  ]);
  const closed = item.status === 'closed';
  const reload = (message) => { flash(message); navigate(location.hash); };
  const basketName = (id) => names.get(id)?.name || id || 'geen bakje';
  const people = users && users.users ? users.users : null;
  const personName = (id) => (people && people.find((u) => u.user_id === id)?.name) || id;
  const me = session.user && session.user.id;
  const tasks = item.tasks || [];
  const signals = item.signals || [];
  const place = address(item);

  content.append(
    visitor ? null : h('p', { class: 'breadcrumb' }, h('a', { href: `#/${code}/werkbakjes` }, 'Werkbakjes'), ' › ',
      item.basket_id ? h('a', { href: `#/${code}/bakjes/${encodeURIComponent(item.basket_id)}` }, basketName(item.basket_id)) : 'Zaak'),
    h('h1', {}, namesText(item.names)),
    h('dl', { class: 'summary' },
      h('dt', {}, 'Kenmerk'), h('dd', {}, item.kenmerk || '–'),
      h('dt', {}, 'Status'), h('dd', {}, h('span', { class: `badge badge--${closed ? 'closed' : 'open'}` }, closed ? 'gesloten' : 'open')),
      h('dt', {}, 'Werkbakje'), h('dd', {}, basketName(item.basket_id), item.moved_by_hand ? ' (met de hand verplaatst)' : ''),
      closed ? null : [h('dt', {}, 'Volgende stap'), h('dd', { 'data-veld': 'volgende-stap' }, nextText(item, tasks))],
      h('dt', {}, 'Adres'), h('dd', {}, addressLine(place) || 'onbekend'),
      h('dt', {}, 'Telefoon'), h('dd', {}, latest(signals, (s) => s.debtor && s.debtor.phone) || 'niet bekend'),
      h('dt', {}, 'E-mail'), h('dd', {}, latest(signals, (s) => s.debtor && s.debtor.email) || 'niet bekend'),
      h('dt', {}, 'Geopend'), h('dd', {}, momentText(item.opened_at)),
      h('dt', {}, 'Totaalbedrag'), h('dd', {}, moneyText(item.total_amount)),
      item.picked_up_at ? [h('dt', {}, 'Opgepakt'), h('dd', {}, momentText(item.picked_up_at))] : null));
  if (closed) {
    content.append(alert('info', `Deze zaak is gesloten${item.closed_at ? ` op ${momentText(item.closed_at)}` : ''}`,
      item.outcome ? ` met uitkomst "${item.outcome}"` : '', '. U kunt haar alleen lezen.'));
  }

  // ---- signals
  content.append(section('Signalen', table('Signalen van deze zaak',
    ['Partner', 'Soort', 'Signaaldatum', 'Achterstand sinds', 'Bedrag', 'Bijzonderheden'],
    signals.map((s) => h('tr', {}, h('td', {}, s.partner_name || s.partner_id), h('td', {}, partnerType(s.partner_type)),
      h('td', {}, dateText(s.signal_date)), h('td', {}, dateText(s.arrears_since)), h('td', { class: 'number' }, moneyText(s.amount)),
      h('td', {}, flags(s)))))));

  // ---- why in this basket
  if (!visitor) content.append(explanationSection(item, criteria, names));

  // ---- treatment path
  const steps = item.steps || [];
  content.append(section('Behandelpad', steps.length
    ? h('ol', { class: 'timeline' }, steps.map((step) => h('li', { class: `timeline__item timeline__item--${step.status}` },
      h('span', { class: 'timeline__action' }, action(step.action).replace(/^./, (c) => c.toUpperCase())),
      h('span', { class: 'timeline__status' }, stepStatus(step, tasks)),
      h('span', { class: 'timeline__date' }, step.done_at ? momentText(step.done_at) : (step.due ? `op ${dateText(step.due)}` : '')),
      step.basket_id && step.basket_id !== item.basket_id ? h('span', { class: 'timeline__basket' }, `uit ${basketName(step.basket_id)}`) : null)))
    : h('p', {}, 'Er zijn geen stappen.')));

  // ---- letters
  const letters = item.letters || [];
  const letterStatus = h('div', { 'aria-live': 'polite' });
  content.append(section('Brieven', letters.length ? h('ul', { class: 'plain-list' }, letters.map((letter) => {
    const button = h('button', { type: 'button', class: 'button button--secondary', 'data-brief': letter.letter_id },
      `Open ${letter.channel === 'email' ? 'e-mail' : 'brief'} van ${momentText(letter.created_at)} (PDF)`);
    button.addEventListener('click', () => openLetter(context, caseId, letter, button, letterStatus));
    return h('li', {}, button);
  })) : h('p', {}, 'Er zijn nog geen brieven.'), letterStatus));

  // ---- tasks
  content.append(tasksSection({ tasks, closed, visitor, me, people, personName, basketName, context, reload }));

  // ---- contact attempts
  content.append(contactSection(item, { closed, context, reload, caseId }));

  // ---- move and close
  if (!closed && !visitor) {
    content.append(moveSection(item, { criteria, basketName, context, reload, caseId }));
    const holder = (task) => (task.assignee ? ` (${task.assignee === me ? 'op uw naam' : `bij ${personName(task.assignee)}`})` : '');
    content.append(closeSection({ context, reload, caseId, tasks, holder }));
  }

  // ---- earlier cases of the household
  if (!visitor && latestFacts(item).repeat) content.append(await repeatSection(item, place, context));

  // ---- history
  if (!visitor) content.append(historySection(item, basketName));
}

function latestFacts(item) {
  const list = item.classifications || [];
  return list.length ? list[list.length - 1].facts || {} : {};
}

function explanationSection(item, criteria, names) {
  const list = item.classifications || [];
  const last = list[list.length - 1];
  if (!last) return section('Waarom in dit bakje', h('p', {}, 'Deze zaak is nog niet ingedeeld.'));
  const active = criteria && !criteria.unavailable ? criteria : null;
  let document = null;
  if (active && active.version === last.criteria_version) document = active.document;
  else if (last.criteria_version === 'default') document = DEFAULT_CRITERIA;
  const lines = explainClassification(last, document, names);
  const chosen = lines.find((line) => line.held);
  const children = [
    h('p', {}, `Ingedeeld op ${momentText(last.at)} met afwegingskader `,
      last.criteria_version === 'default' ? 'standaardinstelling' : `versie ${last.criteria_version}`, '.'),
    h('ul', { class: 'explanation' }, lines.map((line) => h('li', { class: line.held ? 'explanation__held' : 'explanation__failed' },
      h('strong', {}, `${line.name}: `), line.text,
      h('span', { class: 'explanation__verdict' }, line.held ? ' — daarom in dit bakje.' : ' — niet in dit bakje.')))),
  ];
  if (item.moved_by_hand) {
    const moves = item.moves || [];
    const move = moves[moves.length - 1];
    children.push(alert('info', `Daarna met de hand verplaatst${move && move.to ? ` naar ${names.get(move.to)?.name || move.to}` : ''}`,
      move && move.reason ? `, met als reden: ${move.reason}` : '', '.'));
  }
  const facts = last.facts || {};
  children.push(h('details', {}, h('summary', {}, 'Alle feiten van deze zaak'),
    h('dl', { class: 'facts' }, Object.entries(FACTS).filter(([name]) => name in facts).map(([name, info]) => [
      h('dt', {}, info.label),
      h('dd', {}, factValue(name, facts[name])),
    ]))));
  if (!chosen) children.unshift(alert('warning', 'De uitleg van deze indeling is niet volledig beschikbaar.'));
  return section('Waarom in dit bakje', ...children);
}

function factValue(name, value) {
  if (value === null || value === undefined) return 'onbekend';
  if (typeof value === 'boolean') return yesNo(value);
  if (FACTS[name].type === 'money') return moneyText(value);
  if (name === 'partner_types') return value.map(partnerType).join(', ');
  if (name === 'partner_type') return partnerType(value);
  return `${value}${FACTS[name].unit ? ` ${FACTS[name].unit}` : ''}`;
}

async function openLetter(context, caseId, letter, button, status) {
  button.disabled = true;
  status.replaceChildren(h('p', {}, 'De brief wordt opgehaald…'));
  try {
    const blob = await get(context.path(`/cases/${encodeURIComponent(caseId)}/letters/${encodeURIComponent(letter.letter_id)}`),
      { as: 'blob', accept: 'application/pdf' });
    const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
    const link = h('a', { href: url, target: '_blank', rel: 'noopener', class: 'letter-link', 'data-brief-pdf': letter.letter_id },
      'Brief openen in een nieuw tabblad (PDF)');
    const download = h('a', { href: url, download: `brief-${letter.letter_id}.pdf` }, 'Brief downloaden');
    status.replaceChildren(h('p', {}, link, ' · ', download));
    window.open(url, '_blank', 'noopener');
  } catch (error) {
    status.replaceChildren(alert('error', errorText(error)));
  } finally {
    button.disabled = false;
  }
}

function tasksSection({ tasks, closed, visitor, me, people, personName, basketName, context, reload }) {
  const message = h('div', { 'aria-live': 'polite' });
  async function change(task, body, done) {
    try {
      await patch(context.path(`/tasks/${encodeURIComponent(task.task_id)}`), body);
      reload(done);
    } catch (error) {
      const details = error instanceof ApiError ? error.details.map((d) => dutch(d.msg)).join('; ') : '';
      message.replaceChildren(alert('error', errorText(error), details ? ` (${details})` : ''));
    }
  }
  const rows = tasks.map((task) => {
    const actions = h('div', { class: 'task-actions' });
    if (task.status === 'open' && !closed) {
      if (!visitor && me && task.assignee !== me) {
        actions.append(h('button', { type: 'button', class: 'button button--secondary', 'data-actie': 'aan-mij',
          onclick: () => change(task, { assignee: me }, 'De taak is aan u toegewezen.') }, 'Aan mij toewijzen'));
      }
      if (!visitor && people && people.length) {
        const select = h('select', { class: 'select', name: 'collega' }, h('option', { value: '' }, 'Kies een collega'),
          people.map((u) => h('option', { value: u.user_id }, u.name)));
        const label = uid('collega');
        select.id = label;
        actions.append(h('label', { for: label, class: 'sr-only' }, 'Toewijzen aan collega'), select,
          h('button', { type: 'button', class: 'button button--secondary', onclick: () => {
            if (select.value) change(task, { assignee: select.value }, `De taak is toegewezen aan ${personName(select.value)}.`);
          } }, 'Toewijzen'));
      }
      actions.append(h('button', { type: 'button', class: 'button button--primary', 'data-actie': 'afronden',
        onclick: () => change(task, { status: 'done' }, 'De taak is afgerond.') }, 'Afronden'));
    }
    return h('tr', { 'data-taak': task.task_id },
      h('td', {}, TASK_TYPES[task.type] || task.type), h('td', {}, dateText(task.due)),
      h('td', {}, TASK_STATUSES[task.status] || task.status),
      h('td', {}, task.assignee ? (task.assignee === me ? 'u' : personName(task.assignee)) : 'niemand'),
      h('td', {}, basketName(task.basket_id)), h('td', {}, actions));
  });
  const children = [message];
  if (tasks.length) {
    children.push(table('Taken van deze zaak', ['Taak', 'Uiterlijk', 'Status', 'Toegewezen aan', 'Uit bakje', 'Acties'], rows));
  } else {
    children.push(h('p', {}, 'Deze zaak heeft geen taken.'));
  }
  if (!visitor && !people && tasks.some((t) => t.status === 'open')) {
    children.push(h('p', { class: 'form-hint' }, 'Toewijzen aan een collega kan zodra de lijst van gebruikers in de API beschikbaar is.'));
  }
  return section('Taken', ...children);
}

function contactSection(item, { closed, context, reload, caseId }) {
  const attempts = item.contact_attempts || [];
  const children = [attempts.length
    ? table('Contactpogingen', ['Datum', 'Dagdeel', 'Soort', 'Bereikt', 'Notitie'],
      attempts.map((a) => h('tr', {}, h('td', {}, dateText(a.date)), h('td', {}, a.part_of_day || '–'), h('td', {}, a.type),
        h('td', {}, yesNo(a.reached)), h('td', { class: 'note' }, a.note || ''))))
    : h('p', {}, 'Er zijn nog geen contactpogingen.')];
  if (!closed) {
    const type = h('select', { name: 'type', class: 'select' }, h('option', { value: '' }, 'Kies de soort'),
      CONTACT_TYPES.map((t) => h('option', { value: t }, t)));
    const today = todayIso();
    const day = h('input', { name: 'date', type: 'date', class: 'input input--short', value: today, max: today });
    const part = h('select', { name: 'part_of_day', class: 'select' }, h('option', { value: '' }, 'Niet opgegeven'),
      PARTS_OF_DAY.map((p) => h('option', { value: p }, p)));
    const yes = h('input', { type: 'radio', name: 'reached', value: 'ja', id: uid('bereikt') });
    const no = h('input', { type: 'radio', name: 'reached', value: 'nee', id: uid('bereikt') });
    const reachedError = h('p', { class: 'form-error', id: `${yes.id}-fout`, hidden: true });
    const reached = h('fieldset', { class: 'form-fieldset' }, h('legend', {}, 'Bereikt', h('span', { class: 'required' }, ' (verplicht)')),
      reachedError,
      h('div', { class: 'radio' }, yes, h('label', { for: yes.id }, 'Ja')),
      h('div', { class: 'radio' }, no, h('label', { for: no.id }, 'Nee')));
    const note = h('textarea', { name: 'note', class: 'textarea', rows: '3', maxlength: '2000' });
    const message = h('div', { 'aria-live': 'polite' });
    const form = h('form', { class: 'form', novalidate: true, id: 'contactpoging' },
      field('Soort', type, { required: true }), field('Datum', day, { hint: 'Niet in de toekomst' }),
      field('Dagdeel', part), reached, field('Notitie', note, { hint: 'Ten hoogste 2000 tekens' }), message,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button--primary' }, 'Contactpoging registreren')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const chosen = form.querySelector('input[name="reached"]:checked');
      const local = [];
      if (!type.value) local.push({ loc: ['type'], msg: 'Kies de soort contact.' });
      if (!chosen) local.push({ loc: ['reached'], msg: 'Geef aan of u de inwoner hebt bereikt.' });
      if (day.value && day.value > today) local.push({ loc: ['date'], msg: 'De datum mag niet in de toekomst liggen.' });
      if (local.length) {
        showFieldErrors(form, local);
        message.replaceChildren(alert('error', 'Niet alles is goed ingevuld.'));
        form.querySelector('[aria-invalid="true"]')?.focus();
        return;
      }
      const body = { type: type.value, reached: chosen.value === 'ja' };
      if (day.value) body.date = day.value;
      if (part.value) body.part_of_day = part.value;
      if (note.value.trim()) body.note = note.value;
      try {
        await post(context.path(`/cases/${encodeURIComponent(caseId)}/contact-attempts`), body);
        reload('De contactpoging is geregistreerd.');
      } catch (error) {
        const rest = error instanceof ApiError ? showFieldErrors(form, error.details, dutch) : [];
        message.replaceChildren(alert('error', errorText(error), rest.length ? ` ${rest.join('; ')}` : ''));
      }
    });
    children.push(h('h3', {}, 'Contactpoging registreren'), form);
  }
  return section('Contactpogingen', ...children);
}

function moveSection(item, { criteria, basketName, context, reload, caseId }) {
  const document = criteria && !criteria.unavailable ? criteria.document : null;
  const options = (document ? document.baskets : []).filter((b) => b.id !== item.basket_id);
  if (!options.length) return section('Verplaatsen', h('p', {}, 'Er is geen ander bakje om naar te verplaatsen.'));
  const basket = h('select', { name: 'basket_id', class: 'select' }, h('option', { value: '' }, 'Kies een bakje'),
    options.map((b) => h('option', { value: b.id }, b.name)));
  const reason = h('textarea', { name: 'reason', class: 'textarea', rows: '2', maxlength: '500' });
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true, id: 'verplaatsen' },
    h('p', {}, `Nu in ${basketName(item.basket_id)}. Na verplaatsen deelt het systeem de zaak niet meer zelf in.`),
    field('Naar bakje', basket, { required: true }), field('Reden', reason, { required: true, hint: 'Ten hoogste 500 tekens' }),
    message, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button--primary' }, 'Verplaatsen')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const local = [];
    if (!basket.value) local.push({ loc: ['basket_id'], msg: 'Kies het bakje.' });
    if (!reason.value.trim()) local.push({ loc: ['reason'], msg: 'Geef een reden.' });
    if (local.length) {
      showFieldErrors(form, local);
      message.replaceChildren(alert('error', 'Niet alles is goed ingevuld.'));
      form.querySelector('[aria-invalid="true"]')?.focus();
      return;
    }
    try {
      await post(context.path(`/cases/${encodeURIComponent(caseId)}/move`), { basket_id: basket.value, reason: reason.value.trim() });
      await context.basketNames(true);
      reload(`De zaak is verplaatst naar ${basketName(basket.value)}.`);
    } catch (error) {
      const rest = error instanceof ApiError ? showFieldErrors(form, error.details, dutch) : [];
      message.replaceChildren(alert('error', errorText(error), rest.length ? ` ${rest.join('; ')}` : ''));
    }
  });
  return section('Verplaatsen', form);
}

// The confirmation before a case closes (a modal <dialog>: the focus moves into it, Escape
// and Annuleren cancel, the focus returns to the button): the outcome and the open tasks
// that will be cancelled. "Ja, zaak sluiten" keeps it open, its buttons disabled, until the
// answer: nothing can be sent twice, and the focus goes where `onConfirm` says (its error).
// The opener is disabled meanwhile, so the form cannot ask a second time.
function confirmClose(outcomeText, tasks, holder, opener, onConfirm) {
  const count = tasks.filter((t) => t.status === 'open').length;
  const titleId = uid('bevestig');
  const textId = uid('bevestig-tekst');
  const taskLine = count
    ? `${count === 1 ? '1 open taak' : `${count} open taken`} van deze zaak ${count === 1 ? 'vervalt' : 'vervallen'}: `
      + `${openTaskList(tasks, holder)}.`
    : 'Deze zaak heeft geen open taken.';
  const cancel = h('button', { type: 'button', class: 'button button--secondary', 'data-actie': 'annuleren' }, 'Annuleren');
  const confirm = h('button', { type: 'button', class: 'button button--warning', 'data-actie': 'bevestigen' }, 'Ja, zaak sluiten');
  const dialog = h('dialog', { class: 'confirm', id: 'sluiten-bevestigen', 'aria-labelledby': titleId, 'aria-describedby': textId },
    h('h2', { id: titleId }, 'Zaak sluiten?'),
    h('div', { id: textId },
      h('p', {}, `U sluit deze zaak met uitkomst "${outcomeText}".`),
      h('p', { 'data-veld': 'open-taken' }, taskLine),
      h('p', {}, 'Een gesloten zaak kunt u niet meer wijzigen.')),
    h('div', { class: 'form-actions' }, confirm, cancel));
  let sending = false;
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('cancel', (event) => { if (sending) event.preventDefault(); });
  dialog.addEventListener('close', () => {
    if (sending) return;
    dialog.remove();
    opener.disabled = false;
    opener.focus();
  });
  confirm.addEventListener('click', async () => {
    if (sending) return;
    sending = true;
    confirm.disabled = true;
    cancel.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    const focusAfter = await onConfirm();
    dialog.close();
    dialog.remove();
    opener.disabled = false;
    focusAfter?.focus();
  });
  opener.disabled = true;
  opener.closest('form').after(dialog);
  dialog.showModal();
  cancel.focus();
}

function closeSection({ context, reload, caseId, tasks, holder }) {
  const outcome = h('select', { name: 'outcome', class: 'select' }, h('option', { value: '' }, 'Kies een uitkomst'),
    OUTCOME_GROUPS.map(([group, outcomes]) => h('optgroup', { label: group },
      outcomes.map((text) => h('option', { value: text }, text)))));
  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'button button--warning' }, 'Zaak sluiten');
  const form = h('form', { class: 'form', novalidate: true, id: 'afsluiten' },
    h('p', {}, 'Een gesloten zaak kunt u niet meer wijzigen. Open taken vervallen; u wordt eerst om bevestiging gevraagd.'),
    field('Uitkomst', outcome, { required: true, hint: 'De uitkomsten van DDAS (EnumEindresultaat)' }), message,
    h('div', { class: 'form-actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.disabled) return; // a confirmation is open or its close is on its way
    if (!outcome.value) {
      showFieldErrors(form, [{ loc: ['outcome'], msg: 'Kies een uitkomst.' }]);
      message.replaceChildren(alert('error', 'Kies een uitkomst om de zaak te sluiten.'));
      outcome.focus();
      return;
    }
    showFieldErrors(form, []);
    message.replaceChildren();
    const chosen = outcome.value;
    confirmClose(chosen, tasks, holder, submit, async () => {
      try {
        await post(context.path(`/cases/${encodeURIComponent(caseId)}/close`), { outcome: chosen });
      } catch (error) {
        const note = alert('error', errorText(error));
        note.tabIndex = -1;
        message.replaceChildren(note);
        return note;
      }
      await context.basketNames(true);
      reload(`De zaak is gesloten met uitkomst "${chosen}".`);
      return null;
    });
  });
  return section('Zaak sluiten', form);
}

async function repeatSection(item, place, context) {
  const children = [h('p', {}, 'Dit huishouden had eerder een zaak (herhaalde melding).')];
  try {
    const answer = await get(context.path('/cases'), { query: {
      postcode: place.postcode, house_number: place.house_number, house_number_suffix: place.house_number_suffix || undefined,
    } });
    const earlier = answer.cases.filter((c) => c.case_id !== item.case_id);
    children.push(earlier.length ? h('ul', { class: 'plain-list' }, earlier.map((c) => h('li', {},
      h('a', { href: `#/${context.code}/zaken/${encodeURIComponent(c.case_id)}` }, `${c.kenmerk || 'Zaak'} van ${dateText(c.opened_at)}`),
      ` (${c.status === 'closed' ? 'gesloten' : 'open'})`))) : h('p', {}, 'Er zijn geen andere zaken gevonden.'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    children.push(alert('info', 'De eerdere zaken kunnen hier nog niet worden getoond: zoeken op adres is nog niet beschikbaar in de API.'));
  }
  return section('Eerdere zaken van dit huishouden', ...children);
}

function historySection(item, basketName) {
  if (Array.isArray(item.history)) {
    return section('Geschiedenis', h('ol', { class: 'history' }, historyLines(item.opened_at, item.history).map((line) => h('li', {},
      h('span', { class: 'history__when' }, momentText(line.at)), ' ',
      line.who ? [h('span', { class: 'history__who' }, line.who), ': '] : null, line.text))));
  }
  // Until the audit trail is in the case view: what the case itself records, without who.
  const events = [];
  events.push([item.opened_at, 'zaak geopend']);
  for (const c of item.classifications || []) events.push([c.at, `ingedeeld in ${basketName(c.basket_id)}`]);
  for (const l of item.letters || []) events.push([l.created_at, l.channel === 'email' ? 'e-mail verstuurd' : 'brief gemaakt']);
  for (const m of item.moves || []) events.push([m.at, `verplaatst naar ${basketName(m.to)}`]);
  for (const a of item.contact_attempts || []) events.push([a.registered_at || a.date, `contactpoging (${a.type}, ${a.reached ? 'bereikt' : 'niet bereikt'})`]);
  for (const t of item.tasks || []) {
    events.push([t.created_at, `taak ${TASK_TYPES[t.type] ? TASK_TYPES[t.type].toLowerCase() : t.type} aangemaakt`]);
    if (t.done_at) events.push([t.done_at, `taak ${TASK_TYPES[t.type] ? TASK_TYPES[t.type].toLowerCase() : t.type} afgerond`]);
  }
  if (item.closed_at) events.push([item.closed_at, `zaak gesloten${item.outcome ? ` (${item.outcome})` : ''}`]);
  const sorted = events.filter(([at]) => at).sort(([a], [b]) => String(a).localeCompare(String(b)));
  return section('Geschiedenis',
    h('p', { class: 'form-hint' }, 'Wie wat deed, verschijnt hier zodra de audit trail in de API beschikbaar is.'),
    h('ol', { class: 'history' }, sorted.map(([at, text]) => h('li', {}, h('span', { class: 'history__when' }, momentText(at)), ' ', text))));
}
