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

  /** Matches values against an RE2 regular expression (at most 1024 characters). */
  public static regex(value: string): StringMatch {
    if (value.length > 1024) {
      throw new Error(`'regex' match (${value.length} characters) is longer than the 1024 characters Istio accepts: shorten the expression`);
    }
    try {
      // RE2 is a subset of JavaScript's syntax for the common cases; this catches unbalanced expressions early.
      new RegExp(value);
    } catch (e: any) {
      throw new Error(`'regex' match "${value}" is not a valid regular expression (${e.message}): fix the expression`);
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
