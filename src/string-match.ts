import { re2Problem } from './private/istio';

/**
 * How a request attribute (header, path, method) is matched: exactly, by prefix, or by an RE2 regular
 * expression. Argo Rollouts and Istio accept exactly one of the three.
 */
export class StringMatch {
  /** Matches the exact value. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /** Matches values that start with `value`. */
  public static prefix(value: string): StringMatch {
    return new StringMatch('prefix', value);
  }

  /**
   * Matches values against an RE2 regular expression (at most 1024 characters), the syntax of Go's `regexp` package:
   * inline flags such as `(?i)` work, lookarounds and backreferences do not.
   */
  public static regex(value: string): StringMatch {
    const problem = typeof value === 'string' && value !== '' ? re2Problem(value) : undefined;
    if (problem) {
      throw new Error(`'regex' match "${value.length > 80 ? `${value.slice(0, 80)}…` : value}" is refused by Istio: ${problem}. Fix the expression`);
    }
    return new StringMatch('regex', value);
  }

  /** `exact`, `prefix` or `regex`. */
  public readonly kind: string;
  /** The value matched. */
  public readonly value: string;

  private constructor(kind: string, value: string) {
    if (typeof value !== 'string' || value === '') {
      throw new Error(`'${kind}' match value is empty: give the text to match, or leave the matcher out`);
    }
    this.kind = kind;
    this.value = value;
  }

  /** @internal */
  public _toKube(): { [kind: string]: string } {
    return { [this.kind]: this.value };
  }
}
