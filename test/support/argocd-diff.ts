// Test oracle: applies an Application's ignoreDifferences to a manifest the way Argo CD's diff normalizer does
// (JSON pointer removals, then jq `del(<expression>)` run by the real `jq` binary, then empty objects/arrays
// dropped), so that tests can check "live state after the controller's changes" == "git" after normalization.
import { execFileSync, spawnSync } from 'child_process';

/** Whether a `jq` binary is on the PATH. */
export function jqAvailable(): boolean {
  return spawnSync('jq', ['--version']).status === 0;
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

function matches(entry: any, obj: any): boolean {
  return (entry.group ?? '') === groupOf(obj.apiVersion)
    && entry.kind === obj.kind
    && (!entry.name || entry.name === obj.metadata?.name)
    && (!entry.namespace || entry.namespace === obj.metadata?.namespace);
}

function removePointer(doc: any, pointer: string): void {
  const parts = pointer.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || !(p in cur)) return;
    cur = cur[p];
  }
  const last = parts[parts.length - 1];
  if (cur && typeof cur === 'object' && last in cur) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  }
}

function jqDelete(doc: any, expression: string): any {
  try {
    return JSON.parse(execFileSync('jq', ['-c', `del(${expression})`], { input: JSON.stringify(doc), stdio: ['pipe', 'pipe', 'pipe'] }).toString());
  } catch (e: any) {
    // Argo CD skips a patch that fails (for example iterating over a missing list)
    if (/Cannot iterate over null|Cannot index/.test(String(e.stderr ?? ''))) return doc;
    throw e;
  }
}

function removeEmpty(value: any): any {
  if (Array.isArray(value)) {
    return value.map(removeEmpty).filter(v => !(v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0));
  }
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const k of Object.keys(value).sort()) {
      const v = removeEmpty(value[k]);
      const empty = v && typeof v === 'object' && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);
      if (!empty) out[k] = v;
    }
    return out;
  }
  return value;
}

/** The manifest as Argo CD compares it, after the matching ignoreDifferences entries are applied. */
export function normalize(obj: any, ignoreDifferences: any[]): any {
  let doc = JSON.parse(JSON.stringify(obj));
  for (const entry of ignoreDifferences.filter(e => matches(e, obj))) {
    for (const p of entry.jsonPointers ?? []) removePointer(doc, p);
    for (const e of entry.jqPathExpressions ?? []) doc = jqDelete(doc, e);
  }
  return removeEmpty(doc);
}
