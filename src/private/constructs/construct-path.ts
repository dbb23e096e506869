// Errors thrown while a construct of the library is built or changed name the construct path they come from, as
// validation errors do (`[app/chart/shop] 'replicas' (-1) must be ...`). Not exported from the package.
import { IConstruct } from 'constructs';

const NAMED = Symbol.for('cdk8s-canary.construct-path');
/** A message that starts with a construct path already (`[shop/routes] ...`, as some checks write it themselves). */
const ALREADY_NAMED = /^\[[^\]\s]+\] /;

/**
 * `error` with the path of `scope` in front of its message, unless an inner construct of the library already put its
 * own there (the innermost construct is the most precise place). Use as `catch (e) { throw atConstructPath(this, e); }`.
 */
export function atConstructPath(scope: IConstruct, error: unknown): unknown {
  return atPath(scope.node.path, error);
}

/**
 * Runs `body` (the work of a public method of `scope`) and names the path of `scope` in what it throws, as
 * `atConstructPath` does. Use as `return withConstructPath(this, () => { ... });`.
 */
export function withConstructPath<T>(scope: IConstruct, body: () => T): T {
  try {
    return body();
  } catch (e) {
    throw atConstructPath(scope, e);
  }
}

/**
 * Runs `check` before the construct `id` under `scope` exists (checks a constructor must make before `super()`),
 * naming the path the construct will have in what it throws.
 */
export function withPathOfChild(scope: IConstruct, id: string, check: () => void): void {
  try {
    check();
  } catch (e) {
    throw atPath(scope.node.path === '' ? id : `${scope.node.path}/${id}`, e);
  }
}

function atPath(path: string, error: unknown): unknown {
  if (!(error instanceof Error) || (error as any)[NAMED] || ALREADY_NAMED.test(error.message)) return error;
  error.message = `[${path}] ${error.message}`;
  Object.defineProperty(error, NAMED, { value: true });
  return error;
}
