// PromQL: the synth-time syntax check with the Prometheus project's own grammar (@prometheus-io/lezer-promql), and the
// range windows of a query. Not exported from the package.

import { argoTags } from './argo';

/** The part of lezer's `Tree` API used here. */
interface SyntaxTree {
  iterate(spec: { enter: (node: { type: { isError: boolean }; from: number }) => false | void | undefined }): void;
}

/**
 * The Prometheus project's PromQL grammar, loaded when the first query is parsed: a synth whose metrics all come from
 * the presets of IstioMetrics (valid by construction, see `AnalysisMetric._fromPreset`) never loads it. The package is
 * an ES module with a CommonJS build; require() picks the CommonJS one (`exports.require`).
 */
function promqlParser(): { parse(text: string): SyntaxTree } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@prometheus-io/lezer-promql').parser;
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
  const placeholders = new Map(argoTags(query).tags.filter(t => t.arg !== undefined).map(t => [t.start, t]));
  let out = '';
  let quote: string | undefined;
  let bracketDepth = 0;
  let i = 0;
  while (i < query.length) {
    const placeholder = placeholders.get(i);
    if (placeholder) {
      const len = placeholder.end - placeholder.start;
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
  if (!PARSED.has(query)) {
    if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
    PARSED.set(query, parsePromqlError(query));
  }
  const found = PARSED.get(query);
  return found && { ...found };
}

/**
 * The first error of each query parsed so far. Parsing is the expensive step of checking a metric, and a fleet
 * repeats the same few queries (a preset's query differs between services only in the values of its placeholders),
 * so each distinct query is parsed once; the result is a pure function of the text. Emptied when it holds
 * PARSED_LIMIT queries, so that it stays small whatever the input.
 */
const PARSED = new Map<string, PromqlError | undefined>();
const PARSED_LIMIT = 1000;

function parsePromqlError(query: string): PromqlError | undefined {
  const text = neutralizePlaceholders(query);
  let errorAt: number | undefined;
  if (text.trim() === '') {
    errorAt = 0;
  } else {
    const tree = promqlParser().parse(text);
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

/** Seconds per unit of a PromQL duration. */
const PROMQL_UNITS: { [unit: string]: number } = {
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

/**
 * The longest range or subquery window (`[5m]`, `[1h:30s]`) in a PromQL query, in seconds; undefined when
 * the query has none or still contains unresolved placeholders in a window.
 */
export function promqlWindowSeconds(query: string): number | undefined {
  let max: number | undefined;
  const re = /\[\s*([0-9a-z]+)\s*(?::\s*[0-9a-z]*\s*)?\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(query)) !== null) {
    const seconds = parsePromqlDuration(m[1]);
    if (seconds !== undefined && (max === undefined || seconds > max)) max = seconds;
  }
  return max;
}

/** A PromQL duration ("5m", "1h30m", "1d") in seconds, or undefined. */
function parsePromqlDuration(value: string): number | undefined {
  if (!/^(?:\d+(?:ms|s|m|h|d|w|y))+$/.test(value)) return undefined;
  let total = 0;
  const part = /(\d+)(ms|s|m|h|d|w|y)/g;
  let p: RegExpExecArray | null;
  while ((p = part.exec(value)) !== null) {
    total += parseInt(p[1], 10) * PROMQL_UNITS[p[2]];
  }
  return total;
}
