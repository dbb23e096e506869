// A jq path-expression evaluator for the subset that Argo CD users write in `ignoreDifferences[].jqPathExpressions`.
//
// Argo CD compiles each expression as `del(<expression>)` with gojq and runs it on the whole object; an error
// (for example iterating over null) makes it skip that expression (argo-cd util/argo/normalizers/diff_normalizer.go,
// NewIgnoreNormalizer and ignoreNormalizer.Normalize). This module reproduces exactly that, for this grammar:
//
//   expression := term ( '|' term )*
//   term       := path | 'select' '(' condition ')'
//   path       := '.' | '.' suffix*  where the first suffix may also be written .name / ."name"
//   suffix     := '.name' | '."name"' | '[' ']' | '[' "name" ']' | '[' N ']'     (N >= 0; each may end in '?')
//   condition  := conjunction ( 'or' conjunction )*
//   conjunction:= comparison ( 'and' comparison )*
//   comparison := operand ( ( '==' | '!=' ) operand )?
//   operand    := '(' condition ')' | path without '[]' | "string" | number | null | true | false
//
// Semantics follow jq 1.6 and gojq v0.12 (the version Argo CD's go.mod pins): `.k` and `[N]` on null give null,
// `[]` iterates arrays and objects, `[]` on anything else is an error ("Cannot iterate over null"); a trailing `?`
// turns the error of that one suffix into no output (gojq compiles `x[]?` as `x | try .[]`: compiler.go
// compileTermSuffix); `del` deletes all the paths at once, so array indexes stay valid (gojq func.go delpaths).
// Anything else (functions other than select, `..`, `,`, slices, negative indexes, string interpolation, `?` on
// select, an expression whose path is the whole document) is refused with JqUnsupportedError: the model never
// guesses what an expression does.
import { clone, deepEqual, isObject, jsonType } from './json';

/** A path into a JSON document, as jq's `path(f)` gives it. */
export type JqPath = Array<string | number>;

/** A jq run-time error: Argo CD logs it and skips the expression. */
export class JqRuntimeError extends Error {
  public readonly jqRuntime = true;
}

/** An expression outside the subset this evaluator implements. */
export class JqUnsupportedError extends Error {
  public readonly jqUnsupported = true;
}

/** Whether `e` is a JqRuntimeError (without instanceof, which down-levelled Error subclasses break). */
export function isJqRuntimeError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as any).jqRuntime === true;
}

/** A compiled path expression. */
export interface JqExpression {
  /** The expression as written. */
  readonly source: string;
  /** The paths the expression selects in `doc`, in jq's output order; throws JqRuntimeError like jq does. */
  paths(doc: any): JqPath[];
  /** `del(<expression>)` on a copy of `doc`; throws JqRuntimeError like jq does. */
  del(doc: any): any;
}

/** Compiles `source`; throws JqUnsupportedError for anything outside the subset. */
export function compileJq(source: string): JqExpression {
  const steps = new Parser(source, tokenize(source)).expression();
  if (!steps.some(s => s.kind !== 'select')) {
    throw new JqUnsupportedError(`jq expression ${JSON.stringify(source)} selects the whole document: del() of it is not modelled `
      + '(Argo CD would fail to decode the result)');
  }
  return {
    source,
    paths: (doc: any) => run(steps, [{ value: doc, path: [] }]).map(s => s.path),
    del: (doc: any) => deletePaths(doc, run(steps, [{ value: doc, path: [] }]).map(s => s.path)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'field' | 'punct' | 'ident' | 'string' | 'number' | 'end';

interface Token {
  readonly kind: TokenKind;
  /** field: the key; punct: the symbol; ident: the word; string: the decoded text; number: the literal. */
  readonly text: string;
  readonly value?: any;
  readonly at: number;
}

const PUNCT = ['==', '!=', '.', '[', ']', '?', '|', '(', ')'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const t = readToken(source, i);
    tokens.push(t.token);
    i = t.next;
  }
  tokens.push({ kind: 'end', text: '', at: source.length });
  return tokens;
}

function readToken(source: string, i: number): { token: Token; next: number } {
  const rest = source.slice(i);
  if (rest.startsWith('..')) throw unsupported(source, i, '".." (recursive descent)');
  const field = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (field) return { token: { kind: 'field', text: field[1], at: i }, next: i + field[0].length };
  const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
  if (word) return { token: { kind: 'ident', text: word[0], at: i }, next: i + word[0].length };
  const num = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(rest);
  if (num) return { token: { kind: 'number', text: num[0], value: Number(num[0]), at: i }, next: i + num[0].length };
  if (rest[0] === '"') return readString(source, i);
  const p = PUNCT.find(s => rest.startsWith(s));
  if (p) return { token: { kind: 'punct', text: p, at: i }, next: i + p.length };
  throw unsupported(source, i, JSON.stringify(rest[0]));
}

function readString(source: string, i: number): { token: Token; next: number } {
  const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(source.slice(i));
  if (!m) {
    throw unsupported(source, i, /^"(?:[^"\\]|\\.)*\\\(/.test(source.slice(i)) ? 'string interpolation "\\(...)"' : 'an unterminated or invalid string');
  }
  return { token: { kind: 'string', text: JSON.parse(m[0]), at: i }, next: i + m[0].length };
}

function unsupported(source: string, at: number, what: string): JqUnsupportedError {
  return new JqUnsupportedError(`jq expression ${JSON.stringify(source)} uses ${what} at offset ${at}, which the Argo CD sync model `
    + 'does not implement (supported: .a.b, ."k", ["k"], [N], [], a trailing ?, | select(...) with ==, !=, and, or)');
}

// ---------------------------------------------------------------------------------------------------
// Syntax tree and parser

type Step =
  | { readonly kind: 'field'; readonly key: string; optional: boolean }
  | { readonly kind: 'index'; readonly index: number; optional: boolean }
  | { readonly kind: 'iterate'; optional: boolean }
  | { readonly kind: 'select'; readonly cond: Cond; optional: boolean };

type Cond =
  | { readonly kind: 'or' | 'and'; readonly left: Cond; readonly right: Cond }
  | { readonly kind: '==' | '!='; readonly left: Cond; readonly right: Cond }
  | { readonly kind: 'path'; readonly steps: Step[] }
  | { readonly kind: 'literal'; readonly value: any };

const LITERALS: { [word: string]: any } = { null: null, true: true, false: false };

class Parser {
  private pos = 0;

  constructor(private readonly source: string, private readonly tokens: Token[]) {}

  /** expression := term ( '|' term )* ; a pipe of path terms is the concatenation of their steps. */
  public expression(): Step[] {
    const steps = this.term();
    while (this.isPunct('|')) {
      this.pos++;
      steps.push(...this.term());
    }
    this.expectEnd();
    return steps;
  }

  private term(): Step[] {
    const t = this.peek();
    if (t.kind === 'ident' && t.text === 'select') return [this.select()];
    if (t.kind === 'field' || this.isPunct('.')) return this.path(true);
    throw this.fail(t);
  }

  private select(): Step {
    this.pos++; // select
    this.expectPunct('(');
    const cond = this.condition();
    this.expectPunct(')');
    if (this.isPunct('?')) throw unsupported(this.source, this.peek().at, '"?" after select(...)');
    return { kind: 'select', cond, optional: false };
  }

  /** path := '.' | ('.name' | '."name"' | '.[...]') suffix* */
  private path(allowIterate: boolean): Step[] {
    const steps: Step[] = [];
    const first = this.next();
    if (first.kind === 'field') {
      steps.push({ kind: 'field', key: first.text, optional: false });
    } else if (this.peek().kind === 'string' && this.peek().at === first.at + 1) {
      steps.push({ kind: 'field', key: this.next().text, optional: false });
    } else if (this.isPunct('[') && this.peek().at === first.at + 1) {
      steps.push(this.bracket());
    }
    this.optionalMark(steps);
    for (;;) {
      const t = this.peek();
      if (t.kind === 'field') {
        this.pos++;
        steps.push({ kind: 'field', key: t.text, optional: false });
      } else if (this.isPunct('.') && this.tokens[this.pos + 1].kind === 'string' && this.tokens[this.pos + 1].at === t.at + 1) {
        this.pos++;
        steps.push({ kind: 'field', key: this.next().text, optional: false });
      } else if (this.isPunct('[')) {
        steps.push(this.bracket());
      } else {
        break;
      }
      this.optionalMark(steps);
    }
    if (!allowIterate && steps.some(s => s.kind === 'iterate')) {
      throw unsupported(this.source, first.at, '"[]" inside a condition (a condition with several values)');
    }
    return steps;
  }

  private optionalMark(steps: Step[]): void {
    if (!this.isPunct('?')) return;
    if (steps.length === 0) throw unsupported(this.source, this.peek().at, '"?" after "."');
    this.pos++;
    steps[steps.length - 1].optional = true;
    if (this.isPunct('?')) throw unsupported(this.source, this.peek().at, 'a second "?"');
  }

  private bracket(): Step {
    this.expectPunct('[');
    const t = this.next();
    if (t.kind === 'punct' && t.text === ']') return { kind: 'iterate', optional: false };
    let step: Step;
    if (t.kind === 'string') step = { kind: 'field', key: t.text, optional: false };
    else if (t.kind === 'number' && /^[0-9]+$/.test(t.text)) step = { kind: 'index', index: t.value, optional: false };
    else throw unsupported(this.source, t.at, `${JSON.stringify(t.text)} in brackets (only "name", a non-negative integer or nothing)`);
    this.expectPunct(']');
    return step;
  }

  /** condition := conjunction ('or' conjunction)* ; conjunction := comparison ('and' comparison)* */
  private condition(): Cond {
    let left = this.conjunction();
    while (this.isWord('or')) {
      this.pos++;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Cond {
    let left = this.comparison();
    while (this.isWord('and')) {
      this.pos++;
      left = { kind: 'and', left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Cond {
    const left = this.operand();
    if (this.isPunct('==') || this.isPunct('!=')) {
      const op = this.next().text as '==' | '!=';
      const right = this.operand();
      if (this.isPunct('==') || this.isPunct('!=')) throw unsupported(this.source, this.peek().at, 'a chained comparison');
      return { kind: op, left, right };
    }
    return left;
  }

  private operand(): Cond {
    const t = this.peek();
    if (this.isPunct('(')) {
      this.pos++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    if (t.kind === 'field' || this.isPunct('.')) return { kind: 'path', steps: this.path(false) };
    if (t.kind === 'string' || t.kind === 'number') {
      this.pos++;
      return { kind: 'literal', value: t.kind === 'string' ? t.text : t.value };
    }
    if (t.kind === 'ident' && t.text in LITERALS) {
      this.pos++;
      return { kind: 'literal', value: LITERALS[t.text] };
    }
    throw this.fail(t);
  }

  private peek(): Token {
    return this.tokens[this.pos];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  private isWord(w: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === w;
  }

  private expectPunct(p: string): void {
    if (!this.isPunct(p)) throw this.fail(this.peek(), `"${p}"`);
    this.pos++;
  }

  private expectEnd(): void {
    if (this.peek().kind !== 'end') throw this.fail(this.peek());
  }

  private fail(t: Token, expected?: string): JqUnsupportedError {
    const what = t.kind === 'end' ? 'the end of the expression' : JSON.stringify(t.kind === 'field' ? `.${t.text}` : t.text);
    return unsupported(this.source, t.at, `${what}${expected ? ` where ${expected} was expected` : ''}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

interface State {
  readonly value: any;
  readonly path: JqPath;
}

function run(steps: Step[], input: State[]): State[] {
  let states = input;
  for (const step of steps) {
    const out: State[] = [];
    for (const s of states) {
      out.push(...applyOptional(step, s));
    }
    states = out;
  }
  return states;
}

/** One step on one input; with a trailing `?` an error of this step gives no output (gojq: `x | try .[]`). */
function applyOptional(step: Step, s: State): State[] {
  if (!step.optional) return applyStep(step, s);
  try {
    return applyStep(step, s);
  } catch (e) {
    if (isJqRuntimeError(e)) return [];
    throw e;
  }
}

function applyStep(step: Step, s: State): State[] {
  switch (step.kind) {
    case 'field': return [{ value: index(s.value, step.key), path: [...s.path, step.key] }];
    case 'index': return [{ value: index(s.value, step.index), path: [...s.path, step.index] }];
    case 'iterate': return iterate(s);
    case 'select': return evalCond(step.cond, s.value).some(truthy) ? [s] : [];
  }
}

/** `.k` / `.[N]`: null on null, the member (or null) on an object / array, an error on anything else. */
function index(value: any, key: string | number): any {
  if (value === null || value === undefined) return null;
  if (typeof key === 'string' && isObject(value)) return key in value ? value[key] : null;
  if (typeof key === 'number' && Array.isArray(value)) return key < value.length ? value[key] : null;
  const what = typeof key === 'string' ? `string ${JSON.stringify(key)}` : 'number';
  throw new JqRuntimeError(`Cannot index ${jsonType(value)} with ${what}`);
}

function iterate(s: State): State[] {
  if (Array.isArray(s.value)) return s.value.map((v, i) => ({ value: v, path: [...s.path, i] }));
  if (isObject(s.value)) return Object.keys(s.value).map(k => ({ value: s.value[k], path: [...s.path, k] }));
  throw new JqRuntimeError(`Cannot iterate over ${jsonType(s.value)}${s.value === null || s.value === undefined ? '' : ` (${JSON.stringify(s.value)})`}`);
}

function truthy(v: any): boolean {
  return v !== false && v !== null && v !== undefined;
}

/** The outputs of a condition: zero (an optional path that errored) or one value. */
function evalCond(c: Cond, input: any): any[] {
  switch (c.kind) {
    case 'literal': return [c.value];
    case 'path': return run(c.steps, [{ value: input, path: [] }]).map(s => s.value);
    case 'or':
    case 'and': return evalLogic(c.kind, c.left, c.right, input);
    case '==':
    case '!=': return evalCompare(c.kind, c.left, c.right, input);
  }
}

function evalLogic(op: 'or' | 'and', left: Cond, right: Cond, input: any): any[] {
  const out: any[] = [];
  for (const l of evalCond(left, input)) {
    // jq short-circuits: `false and x`, `true or x` never evaluate x
    if (op === 'and' && !truthy(l)) out.push(false);
    else if (op === 'or' && truthy(l)) out.push(true);
    else out.push(...evalCond(right, input).map(truthy));
  }
  return out;
}

function evalCompare(op: '==' | '!=', left: Cond, right: Cond, input: any): any[] {
  const out: any[] = [];
  // jq evaluates the right operand first and the left one inside it (a cartesian product; here 0 or 1 each)
  for (const r of evalCond(right, input)) {
    for (const l of evalCond(left, input)) {
      out.push(deepEqual(l, r) === (op === '=='));
    }
  }
  return out;
}

/** Deletes all `paths` at once, deepest and last first, so that earlier array indexes stay valid. */
function deletePaths(doc: any, paths: JqPath[]): any {
  if (paths.length === 0) return doc;
  const out = clone(doc);
  const sorted = [...paths].sort(comparePaths).reverse();
  sorted.forEach((p, i) => {
    if (i === 0 || comparePaths(p, sorted[i - 1]) !== 0) deleteOne(out, p); // a path listed twice is deleted once (gojq)
  });
  return out;
}

/** jq's order of paths: element by element, numbers before strings, a prefix before its extensions. */
function comparePaths(a: JqPath, b: JqPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function deleteOne(doc: any, path: JqPath): void {
  let parent = doc;
  for (const p of path.slice(0, -1)) {
    parent = typeof p === 'number' ? (Array.isArray(parent) ? parent[p] : undefined) : (isObject(parent) ? parent[p] : undefined);
    if (parent === undefined || parent === null) return;
  }
  const last = path[path.length - 1];
  if (typeof last === 'number' && Array.isArray(parent) && last < parent.length) parent.splice(last, 1);
  else if (typeof last === 'string' && isObject(parent)) delete parent[last];
}
