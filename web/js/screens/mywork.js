// Mijn werk: my open tasks by due date (overdue marked), then the team's unassigned tasks to pick up.
import { errorText, get, patch } from '../api.js';
import { alert, flash, h, table } from '../dom.js';
import { dateText, TASK_TYPES, todayIso } from '../labels.js';
import { addressLine, namesText } from '../format.js';

const MAX_PAGES = 10;

// Open tasks of one assignee (a user id, or 'none' for the team's unassigned ones) by due
// date (?sort=due, here with a status and an assignee: one index query on the server).
async function openTasks(context, assignee, notes) {
  const tasks = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = { status: 'open', assignee, sort: 'due', limit: '200', cursor: cursor || undefined };
    const answer = await get(context.path('/tasks'), { query });
    tasks.push(...answer.tasks);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  if (cursor) notes.push('Er zijn meer open taken dan hier getoond.');
  return tasks;
}

function overdue(task, today) {
  if (typeof task.overdue === 'boolean') return task.overdue;
  return task.status === 'open' && task.due && task.due < today;
}

function taskRow(task, { code, today, basketName, action }) {
  const late = overdue(task, today);
  const place = task.address ? addressLine(task.address) : '';
  return h('tr', { class: late ? 'row--overdue' : null, 'data-taak': task.task_id },
    h('td', {}, dateText(task.due), late ? h('span', { class: 'badge badge--overdue' }, ' te laat') : null),
    h('td', {}, TASK_TYPES[task.type] || task.type),
    h('th', { scope: 'row' }, h('a', { href: `#/${code}/zaken/${encodeURIComponent(task.case_id)}` },
      task.names ? namesText(task.names) : (task.kenmerk || 'Zaak openen'))),
    h('td', {}, place || '–'),
    h('td', {}, task.phone || '–'),
    h('td', {}, task.basket_name || basketName(task.basket_id)),
    action ? h('td', {}, action) : null);
}

export async function render(content, context) {
  const { code, session, role, navigate, basketNames } = context;
  const me = session.user && session.user.id;
  const today = todayIso();
  const notes = [];
  const [mine, free, names] = await Promise.all([
    me ? openTasks(context, me, notes) : [],
    role === 'bezoeker' ? [] : openTasks(context, 'none', notes),
    role === 'bezoeker' ? new Map() : basketNames()]);
  const tasks = [...mine, ...free];
  const basketName = (id) => names.get(id)?.name || id || '';
  const message = h('div', { 'aria-live': 'polite' });
  content.append(h('h1', {}, 'Mijn werk'), message);
  for (const note of notes) content.append(alert('info', note));
  if (tasks.length && !('names' in tasks[0])) {
    content.append(alert('info', 'Namen, adres en telefoon staan hier zodra de API ze bij de taken meestuurt; open de zaak om ze te zien.'));
  }

  const headers = ['Uiterlijk', 'Taak', 'Zaak', 'Adres', 'Telefoon', 'Bakje'];
  if (!me) {
    content.append(h('h2', {}, 'Mijn taken'),
      alert('info', 'U bent niet als persoon ingelogd (maar met een sleutel): er zijn geen taken op uw naam.'));
  } else {
    const late = mine.filter((t) => overdue(t, today)).length;
    content.append(h('h2', {}, 'Mijn taken'),
      h('p', {}, mine.length ? `${mine.length} open ${mine.length === 1 ? 'taak' : 'taken'}${late ? `, waarvan ${late} te laat` : ''}.` : 'U hebt geen open taken.'));
    if (mine.length) content.append(table('Mijn open taken, op datum', headers, mine.map((t) => taskRow(t, { code, today, basketName }))));
  }

  if (role === 'bezoeker') return;
  content.append(h('h2', {}, 'Taken van het team zonder behandelaar'));
  if (!free.length) {
    content.append(h('p', {}, 'Alle taken hebben een behandelaar.'));
    return;
  }
  content.append(table('Open taken zonder behandelaar, op datum', [...headers, 'Actie'], free.map((task) => {
    const button = me ? h('button', { type: 'button', class: 'button button--secondary', 'data-actie': 'oppakken' }, 'Oppakken') : null;
    if (button) {
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await patch(context.path(`/tasks/${encodeURIComponent(task.task_id)}`), { assignee: me });
          flash('De taak staat nu op uw naam.');
          navigate(location.hash);
        } catch (error) {
          message.replaceChildren(alert('error', errorText(error)));
          button.disabled = false;
        }
      });
    }
    return taskRow(task, { code, today, basketName, action: button || '–' });
  })));
}
