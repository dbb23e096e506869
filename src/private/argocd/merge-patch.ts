// JSON merge patches (RFC 7386) and the two ways Argo CD writes an object: kubectl's client-side three-way apply
// and server-side apply, for custom resources whose lists carry no merge keys (Istio's: every list is atomic).
import { clone, deepEqual, isObject } from './json';

/**
 * The RFC 7386 patch that turns `a` into `b` (evanphx/json-patch CreateMergePatch): changed and added keys with
 * b's value, removed keys as null, objects compared key by key, lists compared and emitted **whole**.
 */
export function createMergePatch(a: any, b: any): any {
  const patch: any = {};
  for (const k of Object.keys(b)) {
    if (!(k in a)) {
      patch[k] = clone(b[k]);
    } else if (isObject(a[k]) && isObject(b[k])) {
      const d = createMergePatch(a[k], b[k]);
      if (Object.keys(d).length > 0) patch[k] = d;
    } else if (!deepEqual(a[k], b[k])) {
      patch[k] = clone(b[k]);
    }
  }
  for (const k of Object.keys(a)) {
    if (!(k in b)) patch[k] = null;
  }
  return patch;
}

/** Applies an RFC 7386 patch: null deletes, an object merges key by key, anything else (lists too) replaces. */
export function applyMergePatch(doc: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  const out = isObject(doc) ? clone(doc) : {};
  for (const k of Object.keys(patch)) {
    if (patch[k] === null) delete out[k];
    else out[k] = applyMergePatch(out[k], patch[k]);
  }
  return out;
}

/**
 * kubectl's three-way JSON merge patch for types without a Go schema (k8s.io/apimachinery
 * pkg/util/jsonmergepatch CreateThreeWayJSONMergePatch): the additions and changes from `current` to `modified`,
 * plus the deletions from `original` (last applied) to `modified`. A key that only `current` has, and that was
 * never applied, is left alone. (The conflict check between the two halves is not modelled: they cannot
 * conflict for one `modified`.)
 */
export function threeWayMergePatch(original: any, modified: any, current: any): any {
  const additions = keepNulls(createMergePatch(current, modified), false);
  const deletions = keepNulls(createMergePatch(original ?? {}, modified), true);
  return applyMergePatch(deletions, additions);
}

/** Keeps only the null (deletion) or only the non-null entries of a merge patch; empty objects are dropped. */
function keepNulls(patch: any, nulls: boolean): any {
  const out: any = {};
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (isObject(v) && Object.keys(v).length > 0) {
      const sub = keepNulls(v, nulls);
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if ((v === null) === nulls) {
      out[k] = v; // an explicit {} is a value, kept with the additions (jsonmergepatch keepOrDeleteNullInObj)
    }
  }
  return out;
}

/**
 * `kubectl apply` (client side) of `applied` onto `live`: the three-way patch against the last-applied
 * configuration. Returns the new live object; the new last-applied configuration is `applied` itself.
 */
export function applyClientSide(lastApplied: any, applied: any, live: any): any {
  return applyMergePatch(live, threeWayMergePatch(lastApplied, applied, live));
}

/**
 * Server-side apply with force (argocd-controller is the field manager; gitops-engine resource_ops.go sets
 * ForceConflicts) for objects whose lists are all atomic (no x-kubernetes-list-type on Istio's CRDs): every
 * field that is sent takes the sent value (a list as a whole); maps merge key by key; a field that was sent by
 * the previous apply and is not sent now is removed; fields nobody sent stay as they are.
 *
 * Approximation: "sent by the previous apply" stands for "owned by argocd-controller"; the model does not track
 * the case where another manager co-owns such a field (it would then stay).
 */
export function applyServerSide(previouslySent: any, sent: any, live: any): any {
  const previous = isObject(previouslySent) ? previouslySent : {};
  const out = isObject(live) ? clone(live) : {};
  for (const k of Object.keys(previous)) {
    if (!(k in sent)) delete out[k];
  }
  for (const k of Object.keys(sent)) {
    out[k] = isObject(sent[k]) && isObject(out[k]) ? applyServerSide(previous[k], sent[k], out[k]) : clone(sent[k]);
  }
  return out;
}
