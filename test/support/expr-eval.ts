// A small evaluator for the subset of Argo Rollouts' condition language (expr-lang/expr, formerly
// antonmedv/expr) that the library's MetricCondition emits, with Argo Rollouts' outcome rules.
//
// Supported subset (anything else is a parse error, so a test fails if the library starts emitting more):
// - literals: numbers (`0.99`, `500`, `-0.01` via unary minus), `true`, `false`
// - the variable `result` (a list of numbers for a Prometheus instant vector; a number for a scalar)
// - indexing `x[n]` (an out-of-range index is an evaluation error, as in expr)
// - calls: `len(x)` (list length; a number is an error), `isNaN(x)`
// - `all(list, {predicate})` / `any(list, {predicate})`, where `#` is the current element
// - unary `!`, `-`; binary `&&`, `||` (short-circuit), `<`, `<=`, `>`, `>=`, `==`, `!=`; parentheses
// Comparisons follow Go float semantics: any comparison with NaN is false, except `!=`.

export type Value = number | boolean | number[];

type Node =
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'var'; name: string }
  | { t: 'elem' }
  | { t: 'index'; target: Node; index: Node }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'closure'; body: Node }
  | { t: 'unary'; op: string; arg: Node }
  | { t: 'binary'; op: string; left: Node; right: Node };

const TOKEN = /\s*(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|&&|\|\||<=|>=|==|!=|[A-Za-z_][A-Za-z0-9_]*|[-!<>()[\]{},#])/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`expr-eval: unsupported syntax at ${pos} in: ${src}`);
    out.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: string[], private readonly src: string) {}

  public parse(): Node {
    const n = this.or();
    if (this.i !== this.toks.length) this.fail(`unexpected '${this.toks[this.i]}'`);
    return n;
  }

  private peek(): string | undefined { return this.toks[this.i]; }
  private next(): string { return this.toks[this.i++]; }
  private expect(t: string): void { if (this.next() !== t) this.fail(`expected '${t}'`); }
  private fail(msg: string): never { throw new Error(`expr-eval: ${msg} in: ${this.src}`); }

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
    if (/^\d/.test(tok)) return { t: 'num', v: Number(tok) };
    if (tok === 'true' || tok === 'false') return { t: 'bool', v: tok === 'true' };
    if (tok === '#') return { t: 'elem' };
    if (tok === '(') { const n = this.or(); this.expect(')'); return n; }
    if (tok === '{') { const body = this.or(); this.expect('}'); return { t: 'closure', body }; }
    if (/^[A-Za-z_]/.test(tok)) {
      if (this.peek() === '(') {
        if (!['len', 'isNaN', 'all', 'any'].includes(tok)) this.fail(`unsupported function '${tok}'`);
        this.next();
        const args: Node[] = [];
        if (this.peek() !== ')') {
          args.push(this.or());
          while (this.peek() === ',') { this.next(); args.push(this.or()); }
        }
        this.expect(')');
        return { t: 'call', fn: tok, args };
      }
      if (tok !== 'result') this.fail(`unknown variable '${tok}'`);
      return { t: 'var', name: tok };
    }
    return this.fail(`unexpected '${tok}'`);
  }
}

/** Parses an expression of the supported subset (throws on anything else). */
export function parseExpr(src: string): unknown {
  return new Parser(tokenize(src), src).parse();
}

function evalNode(n: Node, result: Value, elem?: number): Value {
  switch (n.t) {
    case 'num': return n.v;
    case 'bool': return n.v;
    case 'var': return result;
    case 'elem':
      if (elem === undefined) throw new Error('# outside a predicate');
      return elem;
    case 'index': {
      const target = evalNode(n.target, result, elem);
      const idx = evalNode(n.index, result, elem);
      if (!Array.isArray(target)) throw new Error(`cannot index ${typeof target}`);
      if (typeof idx !== 'number' || !Number.isInteger(idx)) throw new Error('index must be an integer');
      if (idx < 0 || idx >= target.length) throw new Error(`index out of range: ${idx} (array length is ${target.length})`);
      return target[idx];
    }
    case 'call': {
      if (n.fn === 'len') {
        const v = evalNode(n.args[0], result, elem);
        if (!Array.isArray(v)) throw new Error(`invalid argument for len (type ${typeof v})`);
        return v.length;
      }
      if (n.fn === 'isNaN') {
        const v = evalNode(n.args[0], result, elem);
        if (typeof v !== 'number') throw new Error('isNaN needs a number');
        return Number.isNaN(v);
      }
      const list = evalNode(n.args[0], result, elem);
      const pred = n.args[1];
      if (!Array.isArray(list) || !pred || pred.t !== 'closure') throw new Error(`${n.fn} needs a list and a {predicate}`);
      const test = (x: number) => {
        const r = evalNode(pred.body, result, x);
        if (typeof r !== 'boolean') throw new Error('predicate must return a bool');
        return r;
      };
      return n.fn === 'all' ? list.every(test) : list.some(test);
    }
    case 'closure': throw new Error('a predicate is only valid inside all()/any()');
    case 'unary': {
      const v = evalNode(n.arg, result, elem);
      if (n.op === '!') {
        if (typeof v !== 'boolean') throw new Error('! needs a bool');
        return !v;
      }
      if (typeof v !== 'number') throw new Error('- needs a number');
      return -v;
    }
    case 'binary': {
      if (n.op === '&&' || n.op === '||') {
        const l = evalNode(n.left, result, elem);
        if (typeof l !== 'boolean') throw new Error(`${n.op} needs bools`);
        if (n.op === '&&' && !l) return false;
        if (n.op === '||' && l) return true;
        const r = evalNode(n.right, result, elem);
        if (typeof r !== 'boolean') throw new Error(`${n.op} needs bools`);
        return r;
      }
      const l = evalNode(n.left, result, elem);
      const r = evalNode(n.right, result, elem);
      if (typeof l !== 'number' || typeof r !== 'number') throw new Error(`${n.op} needs numbers`);
      switch (n.op) {
        case '<': return l < r;
        case '<=': return l <= r;
        case '>': return l > r;
        case '>=': return l >= r;
        case '==': return l === r;
        default: return l !== r;
      }
    }
  }
  throw new Error('unreachable');
}

/** Evaluates a condition against a measurement result; must return a bool (as Argo requires). */
export function evalCondition(expression: string, result: Value): boolean {
  const node = parseExpr(expression) as Node;
  const v = evalNode(node, result);
  if (typeof v !== 'boolean') throw new Error(`expected bool, but got ${typeof v}`);
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
 * Argo Rollouts' outcome rules (utils/evaluate EvaluateResult): neither condition → Successful; only a
 * success condition → Failed when false; only a failure condition → Successful when false; both → failure
 * wins, Successful when only success holds, Inconclusive when neither holds; an evaluation error → Error.
 */
export function outcome(successCondition: string | undefined, failureCondition: string | undefined, result: Value): Outcome {
  // syntax outside the subset is a test failure, not an outcome
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
  } catch {
    return Outcome.ERROR;
  }
}
