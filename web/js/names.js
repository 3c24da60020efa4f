// What the screens name by id, kept for the page's life: a municipality's baskets (id -> row)
// and its name (`municipality_name` of the baskets answer), both from GET …/baskets.
import { get, municipalityPath } from './api.js';

const basketCache = new Map();
export const municipalityNames = new Map();

// A membership's municipality by name; its code until the name is known.
export function municipalityName(membership) {
  return membership.name || municipalityNames.get(membership.code) || membership.code;
}

// What a baskets answer tells, for the screens that read it themselves (Werkbakjes).
export function rememberBaskets(code, answer) {
  const names = new Map();
  for (const row of answer.baskets) names.set(row.id, row);
  if (answer.municipality_name) municipalityNames.set(code, answer.municipality_name);
  basketCache.set(code, names);
  return names;
}

// Basket id -> row (a move refreshes it); an answer that fails (but a 401) names nothing
// this time and is not kept, so the next screen asks again.
export async function basketNames(code, refresh = false) {
  if (!refresh && basketCache.has(code)) return basketCache.get(code);
  try {
    return rememberBaskets(code, await get(municipalityPath(code, '/baskets')));
  } catch (error) {
    if (error && error.status === 401) throw error;
    return new Map();
  }
}
