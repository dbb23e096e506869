// The `{{args.<name>}}` placeholders of an AnalysisTemplate metric (CR129), found without serializing the metric
// when that gives the same answer.
//
// The rule's definition is a scan of `JSON.stringify(metric)` with PLACEHOLDER. A match starts with `{{`, which in
// JSON text only occurs inside one string (a key or a value: escaping never writes `{`, and structural braces are
// never adjacent). So the scan can be done string by string, on each string's escaped text, as long as no match
// attempt runs past the end of a string (only the argument name can, even when it starts there: it may contain
// `"`): such a metric takes the full scan. The result per string is cached, since the same queries come back in
// every template of a fleet.
import { BoundedMemo } from '../private/memo';

/** A placeholder in the JSON text of a metric; the group is the argument name. */
const PLACEHOLDER = /\{\{\s*args\.([^}\s]+)\s*\}\}/g;
/**
 * A match attempt whose argument name reaches the end of the text (or would start there): in the full JSON text it
 * would go on past the closing quote.
 */
const OPEN_AT_END = /\{\{\s*args\.[^}\s]*$/;

/** Argument names found in one string, or `undefined` when the string needs the full scan. */
/** More distinct strings than this only clears the cache (it stays small whatever the input). */
export const PLACEHOLDER_CACHE_LIMIT = 256;
const namesByString = new BoundedMemo<string, readonly string[] | undefined>(text => {
  const escaped = JSON.stringify(text).slice(1, -1); // the string as it appears in the JSON text
  return OPEN_AT_END.test(escaped) ? undefined : scan(escaped);
}, PLACEHOLDER_CACHE_LIMIT);

/**
 * The argument names of the placeholders in `JSON.stringify(metric ?? {})`, in text order, with repeats: exactly
 * what a global `PLACEHOLDER` scan of that text captures.
 */
export function placeholderNames(metric: any): string[] {
  return placeholderNamesByString(metric) ?? scan(JSON.stringify(metric ?? {}));
}

/** The same, string by string (the fast path); undefined when the metric needs the full scan. */
export function placeholderNamesByString(metric: any): string[] | undefined {
  const names: string[] = [];
  return collect(metric ?? {}, names) ? names : undefined;
}

/** The rule's definition: a global scan of the JSON text. */
export function scan(text: string): string[] {
  const names: string[] = [];
  const re = new RegExp(PLACEHOLDER.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) names.push(m[1]);
  return names;
}

/**
 * Adds the names in the strings of `value` to `names`, visiting what `JSON.stringify` writes in its order; false
 * when the value holds anything `JSON.stringify` treats specially (`toJSON`, class instances, boxed values, BigInt)
 * or a string that needs the full scan.
 */
function collect(value: any, names: string[]): boolean {
  switch (typeof value) {
    case 'string': return addNames(value, names);
    case 'number': case 'boolean': return true;
    case 'object': break;
    default: return false;
  }
  if (value === null) return true;
  if (typeof value.toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      // undefined, functions and symbols are written as null
      if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol' && !collect(v, names)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // not written
    if (!addNames(k, names) || !collect(v, names)) return false;
  }
  return true;
}

/** Adds the names in one string (a key or a value); false if it needs the full scan. */
function addNames(text: string, names: string[]): boolean {
  if (!text.includes('{{')) return true;
  const found = namesByString.get(text);
  if (found === undefined) return false;
  for (const name of found) names.push(name);
  return true;
}

/** The number of strings cached (for tests). */
export function cachedStringCount(): number {
  return namesByString.size;
}
