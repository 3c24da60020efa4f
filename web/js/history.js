// A case's history as a consultant reads it: its audit entries (every read of a case is one,
// identity.md), opened first, and one person's views in a row as one line.
import { AUDIT_ACTIONS, momentText } from './labels.js';

const VIEWED = 'case.viewed';
const TIME = new Intl.DateTimeFormat('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
const DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' });

export function actorText(actor) {
  if (!actor) return 'systeem';
  return actor.name || (actor.type === 'key' ? 'systeemsleutel' : actor.id);
}

function sameActor(a, b) {
  return Boolean(a && b) && a.type === b.type && a.id === b.id;
}

// "laatst 14:02" on the day of the first view, else with its date.
function lastText(first, last) {
  const a = new Date(first);
  const b = new Date(last);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return momentText(last);
  return DAY.format(a) === DAY.format(b) ? TIME.format(b) : momentText(last);
}

function entryText(entry) {
  const outcome = entry.details && entry.details.outcome ? ` (${entry.details.outcome})` : '';
  return `${AUDIT_ACTIONS[entry.action] || entry.action}${outcome}`;
}

// [{at, who, text}] oldest first: "zaak geopend" at opened_at, then the entries, where
// consecutive views of one person are one line ("zaak bekeken, 3×, laatst 14:02").
export function historyLines(openedAt, entries) {
  const lines = openedAt ? [{ at: openedAt, who: null, text: 'zaak geopend' }] : [];
  let run = null;
  for (const entry of entries || []) {
    if (entry.action === VIEWED && run && sameActor(run.actor, entry.actor)) {
      run.count += 1;
      run.last = entry.at;
      run.line.text = `${AUDIT_ACTIONS[VIEWED]}, ${run.count}×, laatst ${lastText(run.line.at, run.last)}`;
      continue;
    }
    const line = { at: entry.at, who: actorText(entry.actor), text: entryText(entry) };
    run = entry.action === VIEWED ? { actor: entry.actor, count: 1, last: entry.at, line } : null;
    lines.push(line);
  }
  return lines;
}
