// A small evaluator for the subset of Argo Rollouts' condition language (expr-lang/expr, formerly antonmedv/expr, in
// utils/evaluate/evaluate.go) that metric conditions use, with Argo Rollouts' outcome rules. The rules use it to find
// conditions that count "no data" as a success; the tests use it to check every condition the library renders.
// Not exported from the package.
//
// Supported subset (anything else is `UnsupportedExpr`, never a guess):
// - literals: numbers (`0.99`, `500`; `-0.01` via unary minus), strings ('UP' or "UP"), `true`, `false`, `nil`
// - the variable `result`: a list of numbers (a Prometheus instant vector), a number, a string, a bool, or nil
// - indexing `x[n]` (out of range: an evaluation error, as in expr)
// - calls: `len(x)`, `isNaN(x)`, `isNil(x)`, `default(x, d)` (Argo's: both look at the measurement's result, whatever
//   their first argument), `all(list, {predicate})` / `any(list, {predicate})` with `#` the current element
// - unary `!`, `not`, `-`; binary `&&`, `and`, `||`, `or` (short-circuit), `<`, `<=`, `>`, `>=` on numbers, `==`, `!=`
//   on any two values; parentheses
// Comparisons follow Go float semantics: any comparison with NaN is false, except `!=`.

/** A value of the subset. `null` is expr's nil. */
export type ExprValue = number | boolean | string | null | ExprValue[];

/** Syntax or a construct outside the subset: the evaluator cannot tell what expr would do. */
export class UnsupportedExpr extends Error {}

type Node =
  | { t: 'lit'; v: ExprValue }
  | { t: 'var' }
  | { t: 'elem' }
  | { t: 'index'; target: Node; index: Node }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'closure'; body: Node }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node };

const TOKEN = /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|&&|\|\||<=|>=|==|!=|[A-Za-z_][A-Za-z0-9_]*|[-!<>()[\]{},#])/y;
const FUNCTIONS = ['len', 'isNaN', 'isNil', 'default', 'all', 'any'];
const WORD_OPS: { [word: string]: string } = { and: '&&', or: '||', not: '!' };

function tokenize(src: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new UnsupportedExpr(`unsupported syntax at offset ${pos}`);
    out.push(WORD_OPS[m[1]] ?? m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: string[]) {}

  public parse(): Node {
    const n = this.or();
    if (this.i !== this.toks.length) this.fail(`unexpected '${this.toks[this.i]}'`);
    return n;
  }

  private peek(): string | undefined { return this.toks[this.i]; }
  private next(): string { return this.toks[this.i++]; }
  private expect(t: string): void { if (this.next() !== t) this.fail(`expected '${t}'`); }
  private fail(msg: string): never { throw new UnsupportedExpr(msg); }

  private or(): Node {
    let left = this.and();
    while (this.peek() === '||') { this.next(); left = { t: 'binary', op: '||', left, right: this.and() }; }
    return left;
  }

  private and(): Node {
    let left = this.cmp();
    while (this.peek() === '&&') { this.next(); left = { t: 'binary', op: '&&', left, right: this.cmp() }; }
    return left;
  }

  private cmp(): Node {
    const left = this.unary();
    const op = this.peek();
    if (op && ['<', '<=', '>', '>=', '==', '!='].includes(op)) {
      this.next();
      return { t: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    const op = this.peek();
    if (op === '!' || op === '-') { this.next(); return { t: 'unary', op, arg: this.unary() }; }
    return this.postfix();
  }

  private postfix(): Node {
    let n = this.primary();
    while (this.peek() === '[') {
      this.next();
      const index = this.or();
      this.expect(']');
      n = { t: 'index', target: n, index };
    }
    return n;
  }

  private primary(): Node {
    const tok = this.next();
    if (tok === undefined) this.fail('unexpected end');
    if (/^\d/.test(tok)) return { t: 'lit', v: Number(tok) };
    if (tok[0] === '\'' || tok[0] === '"') return { t: 'lit', v: unquote(tok) };
    if (tok === 'true' || tok === 'false') return { t: 'lit', v: tok === 'true' };
    if (tok === 'nil') return { t: 'lit', v: null };
    if (tok === '#') return { t: 'elem' };
    if (tok === '(') { const n = this.or(); this.expect(')'); return n; }
    if (tok === '{') { const body = this.or(); this.expect('}'); return { t: 'closure', body }; }
    if (!/^[A-Za-z_]/.test(tok)) return this.fail(`unexpected '${tok}'`);
    if (this.peek() !== '(') {
      if (tok !== 'result') this.fail(`unknown variable '${tok}'`);
      return { t: 'var' };
    }
    if (!FUNCTIONS.includes(tok)) this.fail(`unsupported function '${tok}'`);
    this.next();
    const args: Node[] = [];
    if (this.peek() !== ')') {
      args.push(this.or());
      while (this.peek() === ',') { this.next(); args.push(this.or()); }
    }
    this.expect(')');
    return { t: 'call', fn: tok, args };
  }
}

function unquote(tok: string): string {
  return tok.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' } as { [k: string]: string })[c] ?? c);
}

/** An evaluation error, as expr reports one at run time (the measurement is an Error). */
class EvalError extends Error {}

function evalNode(n: Node, result: ExprValue, elem?: ExprValue): ExprValue {
  switch (n.t) {
    case 'lit': return n.v;
    case 'var': return result;
    case 'elem':
      if (elem === undefined) throw new UnsupportedExpr('# outside a predicate');
      return elem;
    case 'index': return evalIndex(n, result, elem);
    case 'call': return evalCall(n, result, elem);
    case 'closure': throw new UnsupportedExpr('a predicate is only valid inside all()/any()');
    case 'unary': {
      const v = evalNode(n.arg, result, elem);
      if (n.op === '!') {
        if (typeof v !== 'boolean') throw new EvalError('! needs a bool');
        return !v;
      }
      if (typeof v !== 'number') throw new EvalError('- needs a number');
      return -v;
    }
    case 'binary': return evalBinary(n, result, elem);
  }
}

function evalIndex(n: Extract<Node, { t: 'index' }>, result: ExprValue, elem?: ExprValue): ExprValue {
  const target = evalNode(n.target, result, elem);
  const idx = evalNode(n.index, result, elem);
  if (!Array.isArray(target)) throw new EvalError(`cannot index ${target === null ? 'nil' : typeof target}`);
  if (typeof idx !== 'number' || !Number.isInteger(idx)) throw new EvalError('index must be an integer');
  if (idx < 0 || idx >= target.length) throw new EvalError(`index out of range: ${idx} (array length is ${target.length})`);
  return target[idx];
}

function evalCall(n: Extract<Node, { t: 'call' }>, result: ExprValue, elem?: ExprValue): ExprValue {
  // Argo's isNil and default look at the measurement's result, whatever their first argument (evaluate.go)
  if (n.fn === 'isNil') return result === null;
  if (n.fn === 'default') return result === null ? evalNode(n.args[1], result, elem) : result;
  if (n.fn === 'len') {
    const v = evalNode(n.args[0], result, elem);
    if (Array.isArray(v) || typeof v === 'string') return v.length;
    throw new EvalError(`invalid argument for len (type ${v === null ? 'nil' : typeof v})`);
  }
  if (n.fn === 'isNaN') {
    const v = evalNode(n.args[0], result, elem);
    if (typeof v !== 'number') throw new EvalError('isNaN needs a number');
    return Number.isNaN(v);
  }
  const list = evalNode(n.args[0], result, elem);
  const pred = n.args[1];
  if (!pred || pred.t !== 'closure') throw new UnsupportedExpr(`${n.fn} needs a {predicate}`);
  if (!Array.isArray(list)) throw new EvalError(`${n.fn} needs a list`);
  const test = (x: ExprValue) => {
    const r = evalNode(pred.body, result, x);
    if (typeof r !== 'boolean') throw new EvalError('predicate must return a bool');
    return r;
  };
  return n.fn === 'all' ? list.every(test) : list.some(test);
}

function evalBinary(n: Extract<Node, { t: 'binary' }>, result: ExprValue, elem?: ExprValue): ExprValue {
  if (n.op === '&&' || n.op === '||') {
    const l = evalNode(n.left, result, elem);
    if (typeof l !== 'boolean') throw new EvalError(`${n.op} needs bools`);
    if (n.op === '&&' && !l) return false;
    if (n.op === '||' && l) return true;
    const r = evalNode(n.right, result, elem);
    if (typeof r !== 'boolean') throw new EvalError(`${n.op} needs bools`);
    return r;
  }
  const l = evalNode(n.left, result, elem);
  const r = evalNode(n.right, result, elem);
  if (n.op === '==' || n.op === '!=') {
    if (Array.isArray(l) || Array.isArray(r)) throw new UnsupportedExpr('comparing lists');
    return n.op === '==' ? l === r : l !== r;
  }
  if (typeof l === 'string' && typeof r === 'string') throw new UnsupportedExpr('ordering strings');
  if (typeof l !== 'number' || typeof r !== 'number') throw new EvalError(`invalid operation: ${n.op} needs numbers`);
  switch (n.op) {
    case '<': return l < r;
    case '<=': return l <= r;
    case '>': return l > r;
    default: return l >= r;
  }
}

/** Parses an expression of the supported subset (throws `UnsupportedExpr` otherwise). */
export function parseExpr(src: string): unknown {
  return new Parser(tokenize(src)).parse();
}

/** Evaluates a condition against a measurement result; it must return a bool (as Argo requires), else an EvalError. */
export function evalCondition(expression: string, result: ExprValue): boolean {
  const v = evalNode(parseExpr(expression) as Node, result);
  if (typeof v !== 'boolean') throw new EvalError(`expected bool, but got ${v === null ? 'nil' : typeof v}`);
  return v;
}

/** The outcome of one measurement. */
export enum Outcome {
  SUCCESSFUL = 'Successful',
  FAILED = 'Failed',
  INCONCLUSIVE = 'Inconclusive',
  ERROR = 'Error',
}

/**
 * Argo Rollouts' outcome rules (utils/evaluate EvaluateResult): neither condition → Successful; only a success condition
 * → Failed when false; only a failure condition → Successful when false; both → failure wins, Successful when only
 * success holds, Inconclusive when neither holds; an evaluation error → Error. Throws `UnsupportedExpr` when a
 * condition is outside the subset.
 */
export function outcome(successCondition: string | undefined, failureCondition: string | undefined, result: ExprValue): Outcome {
  // syntax outside the subset is not an outcome
  if (successCondition !== undefined) parseExpr(successCondition);
  if (failureCondition !== undefined) parseExpr(failureCondition);
  try {
    const success = successCondition !== undefined ? evalCondition(successCondition, result) : undefined;
    const failure = failureCondition !== undefined ? evalCondition(failureCondition, result) : undefined;
    if (success === undefined && failure === undefined) return Outcome.SUCCESSFUL;
    if (failure === undefined) return success ? Outcome.SUCCESSFUL : Outcome.FAILED;
    if (success === undefined) return failure ? Outcome.FAILED : Outcome.SUCCESSFUL;
    if (failure) return Outcome.FAILED;
    return success ? Outcome.SUCCESSFUL : Outcome.INCONCLUSIVE;
  } catch (e) {
    if (e instanceof EvalError) return Outcome.ERROR;
    throw e;
  }
}

/** The outcome, or undefined when a condition is outside the subset (the evaluator cannot tell). */
export function outcomeIfKnown(successCondition: string | undefined, failureCondition: string | undefined, result: ExprValue): Outcome | undefined {
  try {
    return outcome(successCondition, failureCondition, result);
  } catch (e) {
    if (e instanceof UnsupportedExpr) return undefined;
    throw e;
  }
}
