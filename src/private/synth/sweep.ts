// Internal: a "sweep" is one synchronous validate-and-render pass of a whole app (`CanaryApp.renderFiles()`).
// Nothing outside the library runs during it, so the construct tree cannot change, and work that every
// construct would otherwise redo (indexes over the whole app, serializing an object twice) can be
// computed once and shared. Outside a sweep, `sweepMemo` computes every time.
import { ApiObject, Names } from 'cdk8s';
import { IConstruct } from 'constructs';

let current: Map<unknown, unknown> | undefined;

/** Runs `fn` as one sweep (nested calls join the outer sweep); the memo is dropped when it returns. */
export function inSweep<T>(fn: () => T): T {
  if (current) return fn();
  current = new Map();
  try {
    return fn();
  } finally {
    current = undefined;
  }
}

/** Whether a sweep is running (`CanaryApp.renderFiles()`). */
export function inActiveSweep(): boolean {
  return current !== undefined;
}

/**
 * The value of `compute()` for `key` and `kind`, computed once per sweep; outside a sweep, computed at
 * every call.
 */
export function sweepMemo<T>(kind: string, key: object, compute: () => T): T {
  if (!current) return compute();
  let byKey = current.get(kind) as Map<object, T> | undefined;
  if (!byKey) {
    byKey = new Map();
    current.set(kind, byKey);
  }
  const known = byKey.get(key);
  if (known !== undefined || byKey.has(key)) return known!;
  const value = compute();
  byKey.set(key, value);
  return value;
}

/**
 * `o.toJson()`, serialized once per sweep: the rules, the Argo CD Applications that deploy the object and
 * the output file share it. Callers must not modify it.
 */
export function sweepJson(o: ApiObject): any {
  return sweepMemo('ApiObject.toJson', o, () => o.toJson());
}

/**
 * `scope.node.findAll()` (pre-order), walked once per sweep: the app's validation, its file and object order,
 * the rules, the Argo CD Applications and the plans all list the same subtrees. Callers must not modify it.
 */
export function sweepFindAll(scope: IConstruct): IConstruct[] {
  return sweepMemo('Node.findAll', scope, () => scope.node.findAll());
}

/**
 * `Names.toDnsLabel(c)` (a hash of the construct path), once per sweep: `CanaryApp` names each chart's file
 * with it and every Argo CD Application lists the files of its charts.
 */
export function sweepDnsLabel(c: IConstruct): string {
  return sweepMemo('Names.toDnsLabel', c, () => Names.toDnsLabel(c));
}
