// Building the page from data without innerHTML: text is always text, never markup.

export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name === 'text') {
      element.textContent = value;
    } else if (name === 'value' || name === 'checked' || name === 'selected') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

// Alerts in the NL Design System manner: info, ok, warning, error.
export function alert(kind, ...content) {
  return h('div', { class: `alert alert--${kind}`, role: kind === 'error' ? 'alert' : null }, ...content);
}

export function announce(text) {
  const live = document.getElementById('meldingen');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 30);
}

// A labelled form field: label, optional hint, the control, an error slot.
export function field(labelText, control, { hint, required } = {}) {
  const id = control.id || uid('veld');
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-fout`;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (required) control.required = true;
  return h('div', { class: 'form-field', 'data-veld': control.name || '' },
    h('label', { class: 'form-label', for: id }, labelText, required ? h('span', { class: 'required' }, ' (verplicht)') : null),
    hint ? h('p', { class: 'form-hint', id: hintId }, hint) : null,
    h('p', { class: 'form-error', id: errorId, hidden: true }),
    control);
}

// Shows the API's 422 details next to the fields they name (loc ["field"] or ["query", "field"]).
export function showFieldErrors(form, details, translate) {
  for (const slot of form.querySelectorAll('.form-error')) { slot.hidden = true; slot.textContent = ''; }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  const unplaced = [];
  for (const detail of details || []) {
    const loc = detail.loc || [];
    const name = loc[loc.length - 1];
    const control = name ? form.querySelector(`[name="${CSS.escape(String(name))}"]`) : null;
    const message = translate ? translate(detail.msg) : detail.msg;
    if (control) {
      const slot = document.getElementById(`${control.id}-fout`);
      control.setAttribute('aria-invalid', 'true');
      if (slot) { slot.hidden = false; slot.textContent = message; continue; }
    }
    unplaced.push(message);
  }
  return unplaced;
}

// Each cell of a row names its column (data-label), so on a phone a row reads as a card
// ("Adres: Rijnstraat 12, 3441 AB Woerden") without sideways scrolling (app.css).
export function labelCells(row, headers) {
  [...row.children].forEach((cell, index) => {
    if (headers[index]) cell.dataset.label = headers[index];
  });
  return row;
}

export function table(caption, headers, rows, { className = 'table' } = {}) {
  const body = h('tbody', {}, rows);
  for (const row of body.children) labelCells(row, headers);
  return h('div', { class: 'table-wrapper', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: `${className} table--cards` },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
      body));
}

export function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, class: 'sr-only' }, filename);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

// A message for the next screen (after an action re-renders the page).
let pendingFlash = null;
export function flash(text) { pendingFlash = text; }
export function takeFlash() { const text = pendingFlash; pendingFlash = null; return text; }
