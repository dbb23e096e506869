// Internal: synth-time PromQL syntax check with the Prometheus project's own grammar
// (@prometheus-io/lezer-promql), and helpers for Argo Rollouts' `{{args.x}}` placeholders.
// Not exported from the package.

/** The part of lezer's `Tree` API used here. */
interface SyntaxTree {
  iterate(spec: { enter: (node: { type: { isError: boolean }; from: number }) => false | void | undefined }): void;
}

// The package is an ES module with a CommonJS build; require() picks the CommonJS one (`exports.require`).
import { BoundedMemo } from './memo';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: { parse(text: string): SyntaxTree } };

/** Matches an Argo Rollouts argument placeholder; whitespace inside the braces is allowed, as Argo trims it. */
const ARG_PLACEHOLDER = /\{\{\s*args\.([^}\s]*)\s*\}\}/g;

/** Any `{{ ... }}` tag. */
const ANY_PLACEHOLDER = /\{\{([^}]*)\}\}/g;

/** The arg names that a string references through `{{args.<name>}}`, in order of first use. */
export function argPlaceholders(text: string): string[] {
  // Construction, validation and the rules ask for the same few queries' names many times: each distinct
  // string is scanned once (bounded cache; callers get a copy).
  return [...PLACEHOLDERS.get(text)];
}

/** Strings scanned by argPlaceholders() so far and their names (bounded: cleared when full). */
const PLACEHOLDERS = new BoundedMemo<string, string[]>(text => {
  const names: string[] = [];
  for (const m of text.matchAll(ARG_PLACEHOLDER)) {
    if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}, 1000);

/** `{{...}}` tags that are not `{{args.<name>}}` placeholders (Argo fails with "failed to resolve {{...}}"). */
export function unsupportedPlaceholders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(ANY_PLACEHOLDER)) {
    if (!/^\s*args\.[^}\s]+\s*$/.test(m[1])) out.push(m[0]);
  }
  return out;
}

/** A PromQL syntax error, with a 1-based line and column in the query as written. */
export interface PromqlError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** the text at the error position (up to 20 characters), or '' at the end of the query */
  readonly near: string;
}

/**
 * Replaces every `{{args.x}}` placeholder by a neutral literal of the same length, so that the query
 * parses and error positions still point into the query as written:
 * - inside a string literal: letters (`"{{args.ns}}"` → `"aaaaaaaaaaa"`);
 * - inside `[...]` (a range or subquery): a duration (`[{{args.w}}]` → `[1m        ]`);
 * - elsewhere: a number (`> {{args.t}}` → `> 1         `).
 */
export function neutralizePlaceholders(query: string): string {
  let out = '';
  let quote: string | undefined;
  let bracketDepth = 0;
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const m = /^\{\{\s*args\.[^}\s]*\s*\}\}/.exec(rest);
    if (m) {
      const len = m[0].length;
      let literal: string;
      if (quote) literal = 'a'.repeat(len);
      else if (bracketDepth > 0) literal = '1m'.padEnd(len, ' ');
      else literal = '1'.padEnd(len, ' ');
      out += literal;
      i += len;
      continue;
    }
    const c = query[i];
    if (quote) {
      if (c === '\\' && quote !== '`' && i + 1 < query.length) {
        out += c + query[i + 1];
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === '\'' || c === '`') {
      quote = c;
    } else if (c === '#') {
      // a comment runs to the end of the line
      const nl = query.indexOf('\n', i);
      const end = nl < 0 ? query.length : nl;
      out += query.slice(i, end);
      i = end;
      continue;
    } else if (c === '[') {
      bracketDepth++;
    } else if (c === ']') {
      bracketDepth = Math.max(0, bracketDepth - 1);
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * Parses a PromQL query (after neutralizing `{{args.x}}` placeholders) and returns the first syntax
 * error, or undefined when the query is valid. An empty query is reported at offset 0.
 */
export function findPromqlError(query: string): PromqlError | undefined {
  // A fleet repeats the same few queries (a preset's query only differs in its placeholders' arguments), so
  // each distinct query is parsed once. The result is a pure function of the string.
  const found = PARSED.get(query);
  return found && { ...found };
}

/** Queries parsed so far and their first error (bounded: cleared when full). */
const PARSED = new BoundedMemo<string, PromqlError | undefined>(query => parsePromqlError(query), 1000);

function parsePromqlError(query: string): PromqlError | undefined {
  const text = neutralizePlaceholders(query);
  let errorAt: number | undefined;
  if (text.trim() === '') {
    errorAt = 0;
  } else {
    const tree = parser.parse(text);
    tree.iterate({
      enter: node => {
        if (errorAt !== undefined) return false;
        if (node.type.isError) {
          errorAt = node.from;
          return false;
        }
        return undefined;
      },
    });
  }
  if (errorAt === undefined) return undefined;
  const before = query.slice(0, errorAt);
  const lines = before.split('\n');
  return {
    offset: errorAt,
    line: lines.length,
    column: lines[lines.length - 1].length + 1,
    near: query.slice(errorAt, errorAt + 20).split('\n')[0],
  };
}
