// "Waarom in dit bakje": the stored classification said in Dutch, with basket names and
// Dutch fact labels. The server stores it in Dutch (`explanation.dutch`); for classifications
// stored before that, the conditions come from the criteria version that decided it (when
// the app can read that version) and are evaluated on the stored facts, as the server did;
// otherwise the stored statements are shown with Dutch labels.
import { FACTS, moneyText, partnerType } from './labels.js';

// criteria.md's standaardinstelling, so a case classified under it reads in Dutch too.
export const DEFAULT_CRITERIA = {
  schema_version: 1,
  label: 'Standaardinstelling',
  baskets: [
    { id: 'crisis', name: 'Crisis', action: 'home_visit',
      when: { any: [{ fact: 'crisis', equals: true }, { fact: 'supply_ending', equals: true }] } },
    { id: 'meervoudig', name: 'Meervoudige signalen', action: 'home_visit', when: { fact: 'partner_count', gte: 2 } },
    { id: 'hoog-bedrag', name: 'Hoge bedragen', action: 'home_visit', when: { fact: 'high_amount', equals: true } },
    { id: 'enkelvoudig', name: 'Enkelvoudige signalen',
      path: [{ action: 'letter' }, { action: 'phone_call', after_days: 14 }] },
  ],
};

const OPERATORS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'contains',
  'starts_with', 'exists'];

function valueText(fact, value) {
  const type = FACTS[fact]?.type;
  if (value === true) return 'ja';
  if (value === false) return 'nee';
  if (type === 'money') return moneyText(value);
  if (type === 'partner_type' || type === 'partner_types') {
    return Array.isArray(value) ? value.map(partnerType).join(', ') : partnerType(value);
  }
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

function plural(count, one, many) {
  return Number(count) === 1 ? `${count} ${one}` : `${count} ${many}`;
}

// What the fact says about this case, in a consultant's words.
export function factPhrase(fact, value) {
  const label = FACTS[fact]?.label || fact;
  if (value === null || value === undefined) return `${label.toLowerCase()} onbekend`;
  switch (fact) {
    case 'age': return `jongste schuldenaar is ${value} jaar`;
    case 'signal_count': return plural(value, 'signaal', 'signalen');
    case 'partner_count': return plural(value, 'signaalpartner', 'verschillende signaalpartners');
    case 'partner_types': return `soorten partner: ${valueText(fact, value) || 'geen'}`;
    case 'partner_type': return `laatste signaal is van soort ${partnerType(value)}`;
    case 'amount': return `bedrag van het laatste signaal is ${moneyText(value)}`;
    case 'total_amount': return `totaalbedrag is ${moneyText(value)}`;
    case 'max_amount': return `hoogste bedrag is ${moneyText(value)}`;
    case 'days_in_arrears': return plural(value, 'dag achterstand', 'dagen achterstand');
    case 'high_amount': return value ? 'een bedrag is hoog voor zijn soort partner' : 'geen hoog bedrag';
    case 'repeat': return value ? 'herhaalde melding: eerder een zaak voor dit huishouden' : 'geen herhaalde melding';
    case 'crisis': return value ? 'crisis gemeld' : 'geen crisis gemeld';
    case 'warm_transfer': return value ? 'warme overdracht gevraagd' : 'geen warme overdracht';
    case 'supply_ending': return value ? 'eindelevering aangekondigd' : 'geen eindelevering';
    case 'postcode': return `postcode ${value}`;
    case 'has_phone': return value ? 'telefoonnummer bekend' : 'geen telefoonnummer bekend';
    case 'has_email': return value ? 'e-mailadres bekend' : 'geen e-mailadres bekend';
    default: return `${label}: ${valueText(fact, value)}`;
  }
}

// The rule of a leaf: "2 of meer", "18 tot en met 27".
export function rulePhrase(fact, operator, expected) {
  const v = (x) => valueText(fact, x);
  switch (operator) {
    case 'equals': return `moet ${v(expected)} zijn`;
    case 'not_equals': return `mag niet ${v(expected)} zijn`;
    case 'gt': return `meer dan ${v(expected)}`;
    case 'gte': return `${v(expected)} of meer`;
    case 'lt': return `minder dan ${v(expected)}`;
    case 'lte': return `${v(expected)} of minder`;
    case 'between': return `${v(expected[0])} tot en met ${v(expected[1])}`;
    case 'in': return `een van: ${expected.map(v).join(', ')}`;
    case 'not_in': return `geen van: ${expected.map(v).join(', ')}`;
    case 'contains': return `bevat ${v(expected)}`;
    case 'starts_with': return `begint met ${[].concat(expected).join(' of ')}`;
    case 'exists': return expected ? 'moet bekend zijn' : 'moet onbekend zijn';
    default: return `${operator} ${v(expected)}`;
  }
}

function numeric(fact, value) {
  return FACTS[fact]?.type === 'money' ? Number(value) : value;
}

export function leafHolds(leaf, facts) {
  const operator = OPERATORS.find((name) => name in leaf);
  const expected = leaf[operator];
  const raw = facts[leaf.fact];
  if (operator === 'exists') return (raw !== null && raw !== undefined) === expected;
  if (raw === null || raw === undefined) return false;
  const value = numeric(leaf.fact, raw);
  switch (operator) {
    case 'equals': return value === expected;
    case 'not_equals': return value !== expected;
    case 'gt': return value > expected;
    case 'gte': return value >= expected;
    case 'lt': return value < expected;
    case 'lte': return value <= expected;
    case 'between': return value >= expected[0] && value <= expected[1];
    case 'in': return expected.includes(value);
    case 'not_in': return !expected.includes(value);
    case 'contains': return Array.isArray(value) && value.includes(expected);
    case 'starts_with': return [].concat(expected).some((prefix) => String(value).startsWith(prefix));
    default: return false;
  }
}

// [held, statements]: the statements about the facts that decide the condition (as the server's explain).
export function explainCondition(condition, facts) {
  if (condition.all) {
    const statements = [];
    for (const part of condition.all) {
      const [held, texts] = explainCondition(part, facts);
      if (!held) return [false, texts];
      statements.push(...texts);
    }
    return [true, statements];
  }
  if (condition.any) {
    const statements = [];
    for (const part of condition.any) {
      const [held, texts] = explainCondition(part, facts);
      if (held) return [true, texts];
      statements.push(...texts);
    }
    return [false, statements];
  }
  if (condition.not) {
    const [held, texts] = explainCondition(condition.not, facts);
    return [!held, texts];
  }
  const operator = OPERATORS.find((name) => name in condition);
  const held = leafHolds(condition, facts);
  const fact = factPhrase(condition.fact, facts[condition.fact]);
  const boolean = FACTS[condition.fact]?.type === 'boolean' && (operator === 'equals' || operator === 'not_equals');
  const rule = boolean ? '' : ` (${held ? '' : 'nodig: '}${rulePhrase(condition.fact, operator, condition[operator])})`;
  return [held, [`${fact}${rule}`]];
}

function unique(list) {
  return [...new Set(list)];
}

// The lines of "waarom in dit bakje": [{basket_id, name, held, text}], the baskets tried first, then the chosen one.
export function explainClassification(classification, document, names) {
  // The server stores the explanation in Dutch with every classification: say that as it is.
  const dutch = classification.explanation && classification.explanation.dutch;
  if (Array.isArray(dutch) && dutch.length) {
    return dutch.map((line) => ({ basket_id: line.basket_id, name: line.name || line.basket_id, held: line.held === true,
      text: line.text }));
  }
  const facts = classification.facts || {};
  const nameOf = (id) => names.get(id)?.name || document?.baskets?.find((b) => b.id === id)?.name || id;
  const baskets = document?.baskets || [];
  const chosenIndex = baskets.findIndex((b) => b.id === classification.basket_id);
  if (chosenIndex >= 0) {
    const lines = baskets.slice(0, chosenIndex).map((basket) => ({
      basket_id: basket.id, name: basket.name, held: false,
      text: unique(explainCondition(basket.when, facts)[1]).join('; '),
    }));
    const chosen = baskets[chosenIndex];
    lines.push({
      basket_id: chosen.id, name: chosen.name, held: true,
      text: chosen.when ? unique(explainCondition(chosen.when, facts)[1]).join('; ')
        : 'geen van de bakjes hiervoor past, dus dit bakje (het vangnet voor alle andere zaken)',
    });
    return lines;
  }
  // The version is not readable here: the stored statements, with Dutch words for the facts.
  const stored = classification.explanation || {};
  const lines = (stored.failed || []).map((item) => ({
    basket_id: item.basket_id, name: nameOf(item.basket_id), held: false, text: dutchStatement(item.condition),
  }));
  if (stored.matched) {
    lines.push({ basket_id: stored.matched.basket_id, name: nameOf(stored.matched.basket_id), held: true,
      text: dutchStatement(stored.matched.condition) });
  }
  return lines;
}

export function dutchStatement(text) {
  let result = String(text || '');
  if (/^no condition/.test(result)) return 'geen van de bakjes hiervoor past, dus dit bakje (het vangnet voor alle andere zaken)';
  for (const [fact, info] of Object.entries(FACTS)) {
    result = result.replace(new RegExp(`\\b${fact}\\b`, 'g'), info.label);
  }
  return result.replace(/\btrue\b/g, 'ja').replace(/\bfalse\b/g, 'nee').replace(/\bstarts with\b/g, 'begint met')
    .replace(/\bhas no value\b/g, 'onbekend').replace(/\bnot\b/g, 'niet');
}

// A basket's rule in Dutch for the readable afwegingskader: "crisis is ja, of eindelevering is ja".
export function conditionText(condition) {
  if (!condition) return 'alle andere zaken';
  if (condition.all) return condition.all.map(conditionText).join(', en ');
  if (condition.any) return condition.any.map(conditionText).join(', of ');
  if (condition.not) return `niet (${conditionText(condition.not)})`;
  const operator = OPERATORS.find((name) => name in condition);
  const label = (FACTS[condition.fact]?.label || condition.fact).toLowerCase();
  if (FACTS[condition.fact]?.type === 'boolean' && operator === 'equals') return `${label}: ${valueText(condition.fact, condition.equals)}`;
  return `${label}: ${rulePhrase(condition.fact, operator, condition[operator]).replace(/^moet /, '').replace(/ zijn$/, '')}`;
}
