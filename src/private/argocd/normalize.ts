// Argo CD's normalization before a diff and before RespectIgnoreDifferences: the managedFieldsManagers step, then
// the ignoreDifferences rules of every entry that matches the object (argo-cd util/argo/diff/normalize.go Normalize,
// util/argo/diff/diff.go preDiffNormalize, util/argo/normalizers/diff_normalizer.go).
import { entryMatches, IgnoreEntry } from './ignore-entry';
import { compileJq, isJqRuntimeError, JqExpression } from './jq';
import { clone, isObject } from './json';
import { FieldOwners, normalizeManagedFields } from './managed-fields';

/** A rule that Argo CD skipped on one object because applying it failed. */
export interface SkippedRule {
  /** `jsonPointer <p>` or `jq <expression>` */
  readonly rule: string;
  /** the error Argo CD would log (at debug level: nothing visible to the user) */
  readonly reason: string;
}

/** A normalized object and the rules that were skipped on it. */
export interface Normalized {
  readonly object: any;
  readonly skipped: SkippedRule[];
}

/**
 * The ignore rules applied to one object: each matching entry in order, its JSON pointers (RFC 6902 `remove`)
 * then its jq expressions (`del(<expression>)`); a rule that fails is skipped (a `continue` after a debug log).
 */
export function applyIgnoreRules(obj: any, entries: ReadonlyArray<IgnoreEntry>): Normalized {
  let doc = obj; // each rule returns a changed copy, or its input when it changes nothing
  const skipped: SkippedRule[] = [];
  for (const entry of entries) {
    if (!entryMatches(entry, obj)) continue;
    for (const p of entry.jsonPointers ?? []) {
      try {
        doc = removePointer(doc, p);
      } catch (e) {
        skipped.push({ rule: `jsonPointer ${p}`, reason: (e as Error).message });
      }
    }
    for (const expression of entry.jqPathExpressions ?? []) {
      try {
        doc = compiled(expression).del(doc);
      } catch (e) {
        if (!isJqRuntimeError(e)) throw e;
        skipped.push({ rule: `jq ${expression}`, reason: (e as Error).message });
      }
    }
  }
  return { object: doc, skipped };
}

/** The managers of all entries that match the object, without repeats (mergeIgnoreDifferences). */
export function trustedManagers(obj: any, entries: ReadonlyArray<IgnoreEntry>): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (!entryMatches(e, obj)) continue;
    for (const m of e.managedFieldsManagers ?? []) if (!out.includes(m)) out.push(m);
  }
  return out;
}

/** Live and config (git) normalized together, as Argo CD does before diffing them or patching the target. */
export interface NormalizedPair {
  readonly live: any;
  readonly config: any;
  readonly skipped: SkippedRule[];
}

/** managedFieldsManagers on both sides (needs both), then the ignore rules on each. */
export function normalizePair(live: any, config: any, owners: FieldOwners, entries: ReadonlyArray<IgnoreEntry>): NormalizedPair {
  const managed = normalizeManagedFields(live, config, owners, trustedManagers(config, entries));
  const l = applyIgnoreRules(managed.live, entries);
  const c = applyIgnoreRules(managed.config, entries);
  return { live: l.object, config: c.object, skipped: [...l.skipped, ...c.skipped] };
}

const cache = new Map<string, JqExpression>();

function compiled(expression: string): JqExpression {
  let c = cache.get(expression);
  if (!c) {
    c = compileJq(expression);
    cache.set(expression, c);
  }
  return c;
}

/**
 * RFC 6902 `remove` as evanphx/json-patch v4 applies it: every parent must exist, the last key or index must
 * exist (else "Unable to remove nonexistent key"), array indexes are decimal (negative counts from the end).
 */
export function removePointer(doc: any, pointer: string): any {
  if (pointer === '' || !pointer.startsWith('/')) throw new Error(`remove operation does not apply: invalid path ${JSON.stringify(pointer)}`);
  const parts = pointer.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out = clone(doc);
  let parent = out;
  for (const part of parts.slice(0, -1)) {
    parent = child(parent, part, pointer);
  }
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(parent, last, pointer), 1);
  } else if (isObject(parent) && last in parent) {
    delete parent[last];
  } else {
    throw new Error(`Unable to remove nonexistent key: ${last}: missing value (${pointer})`);
  }
  return out;
}

function child(parent: any, part: string, pointer: string): any {
  if (Array.isArray(parent)) return parent[arrayIndex(parent, part, pointer)];
  if (isObject(parent) && part in parent && parent[part] !== null) return parent[part];
  throw new Error(`remove operation does not apply: doc is missing path: ${pointer}`);
}

function arrayIndex(arr: any[], part: string, pointer: string): number {
  if (!/^-?[0-9]+$/.test(part)) throw new Error(`remove operation does not apply: invalid array index ${JSON.stringify(part)} (${pointer})`);
  const n = Number(part);
  const i = n < 0 ? arr.length + n : n;
  if (i < 0 || i >= arr.length) throw new Error(`remove operation does not apply: index ${part} out of range (${pointer})`);
  return i;
}
