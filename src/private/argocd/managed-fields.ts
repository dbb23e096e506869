// Field ownership (metadata.managedFields) at the granularity the Argo CD diff sees for Istio objects: maps are
// followed key by key, every list is one atomic field (Istio's CRDs declare no x-kubernetes-list-type, so
// structured-merge-diff treats their lists as atomic), and so is every scalar.
import { clone, deepEqual, isObject } from './json';

/** Owner (field manager name) per atomic field, keyed by the field's path (JSON pointer syntax). */
export interface FieldOwners {
  readonly [path: string]: string;
}

/** The atomic fields of `value` (status and metadata.managedFields are not owned fields). */
function leaves(value: any, prefix: string, out: Map<string, any>): void {
  for (const k of Object.keys(value)) {
    if (prefix === '' && k === 'status') continue;
    if (prefix === '/metadata' && k === 'managedFields') continue;
    const path = `${prefix}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (isObject(value[k]) && Object.keys(value[k]).length > 0) leaves(value[k], path, out);
    else out.set(path, value[k]);
  }
}

function leafMap(value: any): Map<string, any> {
  const out = new Map<string, any>();
  if (isObject(value)) leaves(value, '', out);
  return out;
}

/**
 * Ownership after `manager` wrote `after` over `before` (an Update, or a client-side apply): the manager owns every
 * atomic field it set or changed; fields that disappeared have no owner.
 */
export function recordWrite(owners: FieldOwners, before: any, after: any, manager: string): FieldOwners {
  const was = leafMap(before);
  const now = leafMap(after);
  const out: { [path: string]: string } = {};
  for (const [path, owner] of Object.entries(owners)) {
    if (now.has(path)) out[path] = owner;
  }
  for (const [path, value] of now) {
    if (!was.has(path) || !deepEqual(was.get(path), value)) out[path] = manager;
  }
  return out;
}

/**
 * Argo CD's managedFieldsManagers normalization (argo-cd util/argo/managedfields/managed_fields.go Normalize):
 * the fields that a trusted manager owns **and** that differ between live and config (present in both) are
 * removed from both. An atomic list counts as one field, so a manager that changed one weight hides all of
 * `spec.http` (argo-rollouts#3854).
 */
export function normalizeManagedFields(live: any, config: any, owners: FieldOwners, managers: ReadonlyArray<string>): { live: any; config: any } {
  if (managers.length === 0) return { live, config };
  const l = leafMap(live);
  const c = leafMap(config);
  const remove: string[] = [];
  for (const [path, owner] of Object.entries(owners)) {
    if (!managers.includes(owner) || !l.has(path) || !c.has(path)) continue;
    if (!deepEqual(l.get(path), c.get(path))) remove.push(path);
  }
  return { live: removeFields(live, remove), config: removeFields(config, remove) };
}

function removeFields(doc: any, paths: string[]): any {
  const out = clone(doc);
  for (const p of paths) {
    const parts = p.split('/').slice(1).map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let cur = out;
    for (const part of parts.slice(0, -1)) cur = isObject(cur) ? cur[part] : undefined;
    if (isObject(cur)) delete cur[parts[parts.length - 1]];
  }
  return out;
}
