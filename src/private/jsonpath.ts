// The JSONPath dialect Argo Rollouts' web metric provider reads: Kubernetes' template JSONPath
// (k8s.io/client-go/util/jsonpath, parser.go, as vendored by argo-rollouts v1.9.1: client-go v0.34.1), parsed the way
// its parser scans the text, so that the library accepts exactly the paths the controller accepts and reports the
// same errors (metricproviders/webmetric/webmetric.go NewWebMetricJsonParser: a path that does not parse makes every
// measurement an error). `webJsonPathProblem` then refuses the forms whose result the web provider would not use as
// a metric value. Not exported from the package.

/** One node of a parsed path. */
export type JsonPathNode =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'list'; readonly nodes: JsonPathNode[] }
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'wildcard' }
  | { readonly t: 'recursive' }
  | { readonly t: 'array'; readonly text: string }
  | { readonly t: 'union'; readonly parts: JsonPathNode[] }
  | { readonly t: 'filter'; readonly left: JsonPathNode; readonly right: JsonPathNode; readonly op: string }
  | { readonly t: 'identifier'; readonly name: string }
  | { readonly t: 'bool'; readonly value: boolean }
  | { readonly t: 'number'; readonly value: number };

class ParseError extends Error {}

const EOF = '';
const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const FILTER = /^([^!<>=]+)([!<>=~]+)(.+?)$/;

const isSpace = (r: string) => r === ' ' || r === '\t';
const isEndOfLine = (r: string) => r === '\r' || r === '\n';
const isDigit = (r: string) => /^\p{Nd}$/u.test(r);
const isAlphaNumeric = (r: string) => r === '_' || /^[\p{L}\p{Nd}]$/u.test(r);
/** The characters that end a field or an identifier (parser.go isTerminator). */
const isTerminator = (r: string) => r === EOF || isSpace(r) || isEndOfLine(r) || '.,[]$@{}'.includes(r);

/** A scanner over the path's code points, with the parser's start/position bookkeeping. */
class Scanner {
  public pos = 0;
  public start = 0;
  private width = 0;
  private readonly chars: string[];

  constructor(text: string) {
    this.chars = [...text];
  }

  public next(): string {
    if (this.pos >= this.chars.length) {
      this.width = 0;
      return EOF;
    }
    this.width = 1;
    return this.chars[this.pos++];
  }

  public peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  public backup(): void {
    this.pos -= this.width;
  }

  public startsWith(prefix: string): boolean {
    return this.chars.slice(this.pos, this.pos + [...prefix].length).join('') === prefix;
  }

  public skip(prefix: string): void {
    this.pos += [...prefix].length;
  }

  public at(i: number): string {
    return this.chars[i] ?? EOF;
  }

  public consume(): string {
    const value = this.chars.slice(this.start, this.pos).join('');
    this.start = this.pos;
    return value;
  }
}

/** Parses a template: text and `{...}` actions (parser.go Parse). */
function parseTemplate(text: string): JsonPathNode[] {
  const root: JsonPathNode[] = [];
  const s = new Scanner(text);
  parseText(s, root);
  return root;
}

function parseText(s: Scanner, root: JsonPathNode[]): void {
  for (;;) {
    if (s.startsWith('{')) {
      if (s.pos > s.start) root.push({ t: 'text', text: s.consume() });
      s.skip('{');
      s.consume();
      const action: JsonPathNode[] = [];
      root.push({ t: 'list', nodes: action });
      parseInsideAction(s, root, action);
      return;
    }
    if (s.next() === EOF) break;
  }
  if (s.pos > s.start) root.push({ t: 'text', text: s.consume() });
}

function parseInsideAction(s: Scanner, root: JsonPathNode[], cur: JsonPathNode[]): void {
  for (;;) {
    if (s.startsWith('}')) {
      s.skip('}');
      s.consume();
      parseText(s, root);
      return;
    }
    if (s.startsWith('[?(')) {
      parseFilter(s, cur);
      continue;
    }
    if (s.startsWith('..')) {
      parseRecursive(s, cur);
      continue;
    }
    const r = s.next();
    if (r === EOF || isEndOfLine(r)) throw new ParseError('unclosed action');
    if (r === ' ' || r === '@' || r === '$') {s.consume();} else if (r === '[') {parseArray(s, cur);} else if (r === '"' || r === '\'') {parseQuote(s, cur, r);} else if (r === '.') {parseField(s, cur);} else if (r === '+' || r === '-' || isDigit(r)) {
      s.backup();
      parseNumber(s, cur);
    } else if (isAlphaNumeric(r)) {
      s.backup();
      parseIdentifier(s, cur);
    } else {
      throw new ParseError(`unrecognized character in action: ${unicodeName(r)}`);
    }
  }
}

function parseIdentifier(s: Scanner, cur: JsonPathNode[]): void {
  while (!isTerminator(s.next()));
  s.backup();
  const value = s.consume();
  cur.push(value === 'true' || value === 'false' ? { t: 'bool', value: value === 'true' } : { t: 'identifier', name: value });
}

function parseRecursive(s: Scanner, cur: JsonPathNode[]): void {
  if (cur.length > 0 && cur[cur.length - 1].t === 'recursive') throw new ParseError('invalid multiple recursive descent');
  s.skip('..');
  s.consume();
  cur.push({ t: 'recursive' });
  if (isAlphaNumeric(s.peek())) parseField(s, cur);
}

function parseNumber(s: Scanner, cur: JsonPathNode[]): void {
  const first = s.peek();
  if (first === '+' || first === '-') s.next();
  for (;;) {
    const r = s.next();
    if (r !== '.' && !isDigit(r)) {
      s.backup();
      break;
    }
  }
  const value = s.consume();
  if (/^[-+]?\d+$/.test(value)) cur.push({ t: 'number', value: parseInt(value, 10) });
  else if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) cur.push({ t: 'number', value: parseFloat(value) });
  else throw new ParseError(`cannot parse number ${value}`);
}

function parseArray(s: Scanner, cur: JsonPathNode[]): void {
  for (;;) {
    const r = s.next();
    if (r === EOF || r === '\n') throw new ParseError('unterminated array');
    if (r === ']') break;
  }
  let text = s.consume();
  text = text.slice(1, -1);
  if (text === '*') text = ':';
  const parts = text.split(',');
  if (parts.length > 1) {
    cur.push({ t: 'union', parts: parts.map(p => ({ t: 'list', nodes: parseAction(`[${p.trim()}]`) })) });
    return;
  }
  const key = DICT_KEY.exec(text);
  if (key) {
    cur.push(...parseAction(`.${key[1]}`));
    return;
  }
  const slice = SLICE.exec(text);
  if (!slice) throw new ParseError(`invalid array index ${text}`);
  cur.push({ t: 'array', text });
}

/** The nodes of one action given without its braces (parser.go parseAction). */
function parseAction(text: string): JsonPathNode[] {
  const nodes = parseTemplate(`{${text}}`);
  const first = nodes[0];
  return first && first.t === 'list' ? first.nodes : [];
}

function parseFilter(s: Scanner, cur: JsonPathNode[]): void {
  s.skip('[?(');
  s.consume();
  let begin = false;
  let end = false;
  let pair = '';
  for (;;) {
    const r = s.next();
    if (r === EOF || r === '\n') throw new ParseError('unterminated filter');
    if (r === '"' || r === '\'') {
      if (!begin) {
        begin = true;
        pair = r;
        continue;
      }
      if (s.at(s.pos - 2) !== '\\' && r === pair) end = true;
    } else if (r === ')' && begin === end) {
      break;
    }
  }
  if (s.next() !== ']') throw new ParseError('unclosed array expect ]');
  const text = s.consume().slice(0, -2);
  const m = FILTER.exec(text);
  if (!m) {
    cur.push({ t: 'filter', left: { t: 'list', nodes: parseAction(text) }, right: { t: 'list', nodes: [] }, op: 'exists' });
    return;
  }
  cur.push({ t: 'filter', left: { t: 'list', nodes: parseAction(m[1]) }, right: { t: 'list', nodes: parseAction(m[3]) }, op: m[2] });
}

function parseQuote(s: Scanner, cur: JsonPathNode[], quote: string): void {
  for (;;) {
    const r = s.next();
    if (r === EOF || r === '\n') throw new ParseError('unterminated quoted string');
    if (r === quote && s.at(s.pos - 2) !== '\\') break;
  }
  const value = s.consume();
  cur.push({ t: 'text', text: unquoteExtend(value) });
}

function parseField(s: Scanner, cur: JsonPathNode[]): void {
  s.consume();
  for (;;) {
    const r = s.next();
    if (r === '\\') {
      s.next();
    } else if (isTerminator(r)) {
      s.backup();
      break;
    }
  }
  const value = s.consume();
  cur.push(value === '*' ? { t: 'wildcard' } : { t: 'field', name: value.replace(/\\/g, '') });
}

const SIMPLE_ESCAPES: { [c: string]: string } = { 'a': '\x07', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v', '\\': '\\' };

/** Go's strconv.Unquote for a single- or double-quoted string (parser.go UnquoteExtend). */
function unquoteExtend(quoted: string): string {
  const q = quoted[0];
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q) throw new ParseError(`unquote string ${quoted} error invalid syntax`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new ParseError(`unquote string ${quoted} error invalid syntax`);
    if (SIMPLE_ESCAPES[e] !== undefined) {out += SIMPLE_ESCAPES[e];} else if (e === q) {out += e;} else {
      const hex = { x: 2, u: 4, U: 8 }[e as 'x' | 'u' | 'U'];
      const digits = hex !== undefined ? body.slice(i + 1, i + 1 + hex) : body.slice(i, i + 3);
      const ok = hex !== undefined ? new RegExp(`^[0-9A-Fa-f]{${hex}}$`).test(digits) : /^[0-7]{3}$/.test(digits) && parseInt(digits, 8) <= 255;
      if (!ok) throw new ParseError(`unquote string ${quoted} error invalid syntax`);
      out += String.fromCodePoint(parseInt(digits, hex !== undefined ? 16 : 8));
      i += hex !== undefined ? hex : 2;
    }
  }
  return out;
}

/** Go's %#U: "U+0021 '!'". */
function unicodeName(r: string): string {
  return `U+${r.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${r}'`;
}

/** The parsed template, or the parser's error message (what the controller reports). */
export function parseJsonPath(text: string): { readonly nodes: JsonPathNode[] } | { readonly error: string } {
  try {
    return { nodes: parseTemplate(text) };
  } catch (e) {
    if (e instanceof ParseError) return { error: e.message };
    throw e;
  }
}

/**
 * What is wrong with a web metric's `jsonPath` (empty means `{$}`, the whole body), or undefined. The web provider
 * takes the first value of the first node's results (webmetric.go getValue), so a path must be exactly one action:
 * text outside the braces would become the result itself ("$.data.ok" without braces is the string "$.data.ok"), and
 * `range`/`end` or later actions are never read.
 */
export function webJsonPathProblem(text: string): string | undefined {
  if (text === '') return undefined;
  const parsed = parseJsonPath(text);
  if ('error' in parsed) return `does not parse as Kubernetes JSONPath: ${parsed.error}`;
  const { nodes } = parsed;
  const texts = nodes.filter(n => n.t === 'text');
  const actions = nodes.filter(n => n.t === 'list');
  if (texts.length > 0) {
    return actions.length === 0
      ? 'has no {...} action, so the result would be the text itself, not a value of the response'
      : 'has text outside the {...} action, which the web provider would take as the result';
  }
  if (actions.length !== 1) return `has ${actions.length} actions; the web provider reads only the first value of the first one`;
  const action = actions[0] as Extract<JsonPathNode, { t: 'list' }>;
  const identifier = action.nodes.find(n => n.t === 'identifier');
  if (identifier) return `uses the template keyword or name "${(identifier as { name: string }).name}", which selects no value of the response`;
  return undefined;
}
