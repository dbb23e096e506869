// Argo CD's diff and sync of one object, by Argo CD version: the three-way diff (gitops-engine pkg/diff
// ThreeWayDiff), RespectIgnoreDifferences (argo-cd controller/sync.go normalizeTargetResources, with
// restoreNonIgnoredFields from v3.3.13 / v3.4.5 / v3.5.0), ApplyOutOfSyncOnly (gitops-engine pkg/sync
// sync_context.go filterOutOfSyncTasks), and the apply itself (client-side three-way merge patch, or server-side).
// Scope: custom resources without patch-merge metadata (Istio's), whose lists are replaced as a whole.
import { IgnoreEntry } from './ignore-entry';
import { clone, deepEqual, isObject } from './json';
import { FieldOwners, recordWrite } from './managed-fields';
import { applyClientSide, applyMergePatch, applyServerSide, createMergePatch, threeWayMergePatch } from './merge-patch';
import { applyIgnoreRules, normalizePair, SkippedRule } from './normalize';

/** How RespectIgnoreDifferences builds the applied object, by Argo CD version. */
export enum RespectAlgorithm {
  /** v2.9.11, v2.10.6 to v3.3.12, v3.4.0 to v3.4.4: normalized git plus the live value of every list that holds an ignored field (#17693). */
  LIVE_LISTS = 'live-lists',
  /** v3.3.13+, v3.4.5+, v3.5.0+ (and v3.6): the same, then restoreNonIgnoredFields puts back git's value where the rules do not change git (#27136). */
  RESTORE_NON_IGNORED = 'restore-non-ignored',
}

/** An Argo CD release and the algorithm it runs. */
export interface ArgoCdVersion {
  readonly version: string;
  readonly respect: RespectAlgorithm;
}

/**
 * The model of an Argo CD release. Releases before the live-patch algorithm (v2.9.10 and older, v2.10.0 to
 * v2.10.5: the positional `compilePatch` of #9678) are refused: the model does not cover them.
 */
export function argoCdVersion(version: string): ArgoCdVersion {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-rc\d+)?$/.exec(version);
  if (!m) throw new Error(`Argo CD version ${JSON.stringify(version)} is not of the form 3.5.1`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const v = major * 1_000_000 + minor * 1_000 + patch;
  const at = (a: number, b: number, c: number) => a * 1_000_000 + b * 1_000 + c;
  // controller/sync.go: compilePatch up to v2.9.10 and v2.10.5, getMergePatch from v2.9.11 and v2.10.6 (#17693)
  if (v < at(2, 9, 11) || (v >= at(2, 10, 0) && v < at(2, 10, 6))) {
    throw new Error(`Argo CD ${version} is not modelled: its RespectIgnoreDifferences is the positional patch of argo-cd#9678 (use 2.10.6 or later)`);
  }
  // restoreNonIgnoredFields: in v3.3.13, v3.4.5, v3.5.0 and later (git tag --contains of #28505/#28506/#28507)
  const restore = (major === 3 && minor === 3 && patch >= 13) || (major === 3 && minor === 4 && patch >= 5) || v >= at(3, 5, 0);
  return { version, respect: restore ? RespectAlgorithm.RESTORE_NON_IGNORED : RespectAlgorithm.LIVE_LISTS };
}

/** The sync options of an Application that the model reads. */
export interface SyncSettings {
  readonly ignoreDifferences: IgnoreEntry[];
  readonly respectIgnoreDifferences: boolean;
  readonly applyOutOfSyncOnly: boolean;
  readonly serverSideApply: boolean;
}

/** Reads an Application (JSON) the way the model needs it. */
export function syncSettings(application: any): SyncSettings {
  const options: string[] = application?.spec?.syncPolicy?.syncOptions ?? [];
  return {
    ignoreDifferences: application?.spec?.ignoreDifferences ?? [],
    respectIgnoreDifferences: options.includes('RespectIgnoreDifferences=true'),
    applyOutOfSyncOnly: options.includes('ApplyOutOfSyncOnly=true'),
    serverSideApply: options.includes('ServerSideApply=true'),
  };
}

/** An object in the cluster, with what Argo CD keeps about its own applies. */
export interface ClusterObject {
  readonly live: any;
  /** kubectl.kubernetes.io/last-applied-configuration (client-side apply); kept beside the object. */
  readonly lastApplied?: any;
  /** What the last server-side apply sent. */
  readonly lastSent?: any;
  /** Field owners (metadata.managedFields). */
  readonly owners: FieldOwners;
}

/** The manager name of Argo CD's applies (gitops-engine ArgoCDSSAManager, also used for client-side apply). */
export const ARGOCD_MANAGER = 'argocd-controller';

/** The result of Argo CD's diff of one object. */
export interface DiffResult {
  /** OutOfSync */
  readonly modified: boolean;
  /** Rules that failed on the live or git object and were skipped. */
  readonly skipped: SkippedRule[];
}

/**
 * Argo CD's diff (gitops-engine pkg/diff Diff): both sides normalized, then for client-side apply the three-way
 * diff against the normalized last-applied configuration (git itself when there is none: TwoWayDiff).
 */
export function diffObject(obj: ClusterObject | undefined, git: any, settings: SyncSettings): DiffResult {
  if (!obj) return { modified: true, skipped: [] };
  const pair = normalizePair(obj.live, git, obj.owners, settings.ignoreDifferences);
  if (settings.serverSideApply) {
    // approximation of the structured-merge diff: what a server-side apply of git would leave, against live
    const previous = obj.lastSent ? applyIgnoreRules(obj.lastSent, settings.ignoreDifferences).object : undefined;
    return { modified: !deepEqual(applyServerSide(previous, pair.config, pair.live), pair.live), skipped: pair.skipped };
  }
  const orig = obj.lastApplied ? applyIgnoreRules(obj.lastApplied, settings.ignoreDifferences) : undefined;
  const predicted = threeWayPredictedLive(orig ? orig.object : pair.config, pair.config, pair.live);
  return { modified: !deepEqual(predicted, pair.live), skipped: [...pair.skipped, ...(orig ? orig.skipped : [])] };
}

/**
 * ThreeWayDiff for types without a Go schema: live loses the map fields last-applied never had (positionally
 * inside lists: gitops-engine pkg/utils/json RemoveMapFields), the three-way patch is computed against that, and
 * applied to the whole live object.
 */
function threeWayPredictedLive(orig: any, config: any, live: any): any {
  const o = withoutNamespace(orig);
  const c = withoutNamespace(config);
  const patch = threeWayMergePatch(o, c, removeMapFields(o, live));
  return applyMergePatch(live, patch);
}

/** removeNamespaceAnnotation: drops metadata.namespace and an empty annotations map (orig and config only). */
function withoutNamespace(obj: any): any {
  if (!isObject(obj?.metadata)) return obj;
  const out = clone(obj);
  delete out.metadata.namespace;
  if (out.metadata.annotations === null || (isObject(out.metadata.annotations) && Object.keys(out.metadata.annotations).length === 0)) {
    delete out.metadata.annotations;
  }
  return out;
}

/** The fields of `live` that `config` also has, recursively; lists element by element (extra elements kept). */
export function removeMapFields(config: any, live: any): any {
  const out: any = {};
  for (const k of Object.keys(config)) {
    if (!(k in live)) continue;
    out[k] = live[k] === null ? null : removeFields(config[k], live[k]);
  }
  return out;
}

function removeFields(config: any, live: any): any {
  if (isObject(config) && isObject(live)) return removeMapFields(config, live);
  if (Array.isArray(config) && Array.isArray(live)) {
    return live.map((v, i) => (i < config.length && v !== null ? removeFields(config[i], v) : v));
  }
  return live;
}

/**
 * What Argo CD applies: git, or with RespectIgnoreDifferences the normalized git plus the live values of the
 * ignored fields, carried by a JSON merge patch from normalized live to live (lists whole), and from v3.3.13 /
 * v3.4.5 / v3.5.0 restoreNonIgnoredFields on top (controller/sync.go normalizeTargetResources).
 */
export function objectToApply(obj: ClusterObject | undefined, git: any, settings: SyncSettings, version: ArgoCdVersion): any {
  if (!settings.respectIgnoreDifferences || !obj) return clone(git);
  const pair = normalizePair(obj.live, git, obj.owners, settings.ignoreDifferences);
  const live = clone(obj.live);
  delete live.status; // excluded from the copy since v3.3.12 / v3.4.4 (#28201); the model has no status anyway
  const normalizedLive = clone(pair.live);
  delete normalizedLive.status;
  const patched = applyMergePatch(pair.config, createMergePatch(normalizedLive, live));
  if (version.respect === RespectAlgorithm.RESTORE_NON_IGNORED) restoreNonIgnoredFields(patched, git, pair.config, pair.live);
  return patched;
}

/**
 * controller/sync.go restoreNonIgnoredFields: recurses into maps only (a list is a leaf). A field git has and
 * the rules left unchanged gets git's value back; a key only live has, and that the rules did not strip, is dropped.
 */
export function restoreNonIgnoredFields(patched: any, original: any, normalizedTarget: any, normalizedLive: any): void {
  for (const k of Object.keys(original)) {
    const inPatched = k in patched;
    const inNormalized = isObject(normalizedTarget) && k in normalizedTarget;
    if (inPatched && isObject(patched[k]) && isObject(original[k]) && inNormalized && isObject(normalizedTarget[k])) {
      restoreNonIgnoredFields(patched[k], original[k], normalizedTarget[k], isObject(normalizedLive?.[k]) ? normalizedLive[k] : undefined);
      continue;
    }
    if (inNormalized && deepEqual(normalizedTarget[k], original[k]) && (!inPatched || !deepEqual(patched[k], original[k]))) {
      patched[k] = clone(original[k]);
    }
  }
  for (const k of Object.keys(patched)) {
    if (!(k in original) && isObject(normalizedLive) && k in normalizedLive) delete patched[k];
  }
}

/** Argo CD applies `applied` (kubectl apply, client side; or server side with --force-conflicts). */
export function applyObject(obj: ClusterObject | undefined, applied: any, settings: SyncSettings): ClusterObject {
  const before = obj?.live ?? {};
  if (settings.serverSideApply) {
    const live = obj ? applyServerSide(obj.lastSent, applied, obj.live) : clone(applied);
    return { ...obj, live, lastSent: clone(applied), owners: recordWrite(obj?.owners ?? {}, before, live, ARGOCD_MANAGER) };
  }
  const live = obj ? applyClientSide(obj.lastApplied, applied, obj.live) : clone(applied);
  return { ...obj, live, lastApplied: clone(applied), owners: recordWrite(obj?.owners ?? {}, before, live, ARGOCD_MANAGER) };
}

/** What one sync did to one object. */
export interface ObjectSync {
  readonly key: string;
  /** The diff before the sync. */
  readonly before: DiffResult;
  /** Whether the sync applied the object (ApplyOutOfSyncOnly skips Synced objects that exist). */
  readonly applied: boolean;
}

/**
 * One sync operation of an Application: every git object is diffed; with ApplyOutOfSyncOnly the Synced ones
 * are skipped, the others applied (RespectIgnoreDifferences decides what). Returns the new cluster objects.
 */
export function syncObjects(cluster: ReadonlyMap<string, ClusterObject>, git: ReadonlyMap<string, any>, settings: SyncSettings,
  version: ArgoCdVersion): { cluster: Map<string, ClusterObject>; objects: ObjectSync[] } {
  const out = new Map(cluster);
  const objects: ObjectSync[] = [];
  for (const [key, manifest] of git) {
    const current = cluster.get(key);
    const before = diffObject(current, manifest, settings);
    const applied = !(settings.applyOutOfSyncOnly && current && !before.modified);
    if (applied) out.set(key, applyObject(current, objectToApply(current, manifest, settings, version), settings));
    objects.push({ key, before, applied });
  }
  return { cluster: out, objects };
}
