// Where each member of a JSON text is: a small parser that records, for every JSON Pointer,
// the offsets of its value (and of its key), so a 422's pointers can be shown in the text.

export class JsonSyntaxError extends Error {
  constructor(message, offset) { super(message); this.offset = offset; }
}

function escapeToken(key) {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function locate(text) {
  const places = new Map();
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i += 1; };
  const fail = (what) => { throw new JsonSyntaxError(what, i); };

  function string() {
    if (text[i] !== '"') fail('hier hoort een tekst tussen aanhalingstekens');
    let out = '';
    i += 1;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        if (next === 'u') { out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)); i += 6; continue; }
        out += { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' }[next] ?? next;
        i += 2;
        continue;
      }
      if (text[i] === '\n') fail('een tekst loopt door tot het einde van de regel');
      out += text[i];
      i += 1;
    }
    if (i >= text.length) fail('een tekst is niet afgesloten met een aanhalingsteken');
    i += 1;
    return out;
  }

  function value(pointer) {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i += 1; ws();
      if (text[i] === '}') { i += 1; } else {
        for (;;) {
          ws();
          const keyStart = i;
          const key = string();
          ws();
          if (text[i] !== ':') fail('hier hoort een dubbele punt');
          i += 1;
          const child = `${pointer}/${escapeToken(key)}`;
          value(child);
          places.get(child).keyStart = keyStart;
          ws();
          if (text[i] === ',') { i += 1; continue; }
          if (text[i] === '}') { i += 1; break; }
          fail('hier hoort een komma of }');
        }
      }
    } else if (c === '[') {
      i += 1; ws();
      if (text[i] === ']') { i += 1; } else {
        for (let index = 0; ; index += 1) {
          value(`${pointer}/${index}`);
          ws();
          if (text[i] === ',') { i += 1; continue; }
          if (text[i] === ']') { i += 1; break; }
          fail('hier hoort een komma of ]');
        }
      }
    } else if (c === '"') {
      string();
    } else {
      const match = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!match) fail(i >= text.length ? 'de tekst houdt te vroeg op' : 'hier hoort een waarde');
      i += match[0].length;
    }
    places.set(pointer, { start, end: i });
  }

  value('');
  ws();
  if (i < text.length) fail('na het einde van het document staat nog tekst');
  return places;
}

export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// The place of a pointer, or of its nearest parent that is in the text.
export function placeOf(places, pointer) {
  let current = pointer;
  for (;;) {
    const place = places.get(current);
    if (place) return { ...place, pointer: current };
    if (!current) return null;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}
