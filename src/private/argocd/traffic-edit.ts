// What a change to a Rollout's VirtualServices does when Argo CD applies it while the canary is at a step (situation
// S3 of scenarios.ts): Istio's lists have no merge keys, so the apply writes git's whole `spec.http` (and `spec.tls`,
// `spec.tcp`): the weights go back to git's (the controller sets them again at once) and the header and mirror routes
// disappear; the controller re-adds a managed route only while its step is the current one (argo-rollouts
// rollout/trafficrouting.go), so the others stay gone for the rest of that canary. Played on the controller model
// (controller.ts) and the client-side apply of the sync model (merge-patch.ts), for the rollout plan and the scenarios.
import { LiveObjects, reconcile, repair, RolloutPhase, RolloutTraffic } from './controller';
import { deepEqual, isObject, objectKey } from './json';
import { applyClientSide } from './merge-patch';

/** What a route edit applied at one step costs that canary. */
export interface TrafficEditCost {
  /** Index of the step the canary is at. */
  readonly step: number;
  /** The apply reset the weights to git's; the controller set them back at once (a flap). */
  readonly weightsFlapped: boolean;
  /** Managed routes the apply removed and the controller does not re-add during this canary (a loss). */
  readonly managedRoutesLost: string[];
  /** Managed routes the apply removed and the controller re-added at once (their step is the current one). */
  readonly managedRoutesFlapped: string[];
}

/** The costs at each step, or why they cannot be computed. */
export interface TrafficEditCosts {
  readonly costs?: TrafficEditCost[];
  readonly reason?: string;
}

/**
 * The cost of one apply of the Rollout's VirtualServices at `step`: the traffic objects at that step before the apply,
 * right after it, and after the controller's reaction.
 */
export function costOf(rt: RolloutTraffic, step: number, before: LiveObjects, applied: LiveObjects, after: LiveObjects): TrafficEditCost {
  let weightsFlapped = false;
  const lost = new Set<string>();
  const flapped = new Set<string>();
  for (const ref of rt.virtualServices) {
    const b = before.get(ref.key);
    const mid = applied.get(ref.key);
    const a = after.get(ref.key);
    const managed = managedRoutesIn(rt, b);
    if (!deepEqual(weightsOf(b, managed), weightsOf(mid, managed))) weightsFlapped = true;
    for (const name of managed) {
      if (!managedRoutesIn(rt, a).includes(name)) lost.add(name);
      else if (!managedRoutesIn(rt, mid).includes(name)) flapped.add(name);
    }
  }
  return { step, weightsFlapped, managedRoutesLost: [...lost].sort(), managedRoutesFlapped: [...flapped].sort() };
}

/** The names of the managed (header and mirror) routes present in a live VirtualService. */
export function managedRoutesIn(rt: RolloutTraffic, vs: any): string[] {
  return (vs?.spec?.http ?? []).map((r: any) => r?.name).filter((n: any) => rt.managedRouteNames.has(n));
}

/** Every destination weight of http, tls and tcp routes, by route name or position (without the routes named in `exclude`). */
export function weightsOf(vs: any, exclude: string[] = []): any {
  const out: any = {};
  for (const kind of ['http', 'tls', 'tcp']) {
    (vs?.spec?.[kind] ?? []).forEach((r: any, i: number) => {
      if (exclude.includes(r?.name)) return;
      out[`${kind}/${r?.name ?? i}`] = (r?.route ?? []).map((d: any) => [d?.destination?.host, d?.destination?.subset, d?.weight ?? 0]);
    });
  }
  return out;
}

/**
 * The cost of a route edit applied from git at each step of a canary Rollout with Istio traffic routing, against the
 * manifests it is deployed with (its VirtualServices and DestinationRule among them), with client-side apply and
 * without RespectIgnoreDifferences, as the Applications of this library sync. The canary is assumed to have gone
 * through the steps before (the controller's writes at each), from a fully promoted release.
 */
export function trafficEditCosts(rollout: any, manifests: any[]): TrafficEditCosts {
  let rt: RolloutTraffic;
  try {
    rt = new RolloutTraffic(rollout);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  const git = new Map<string, any>();
  for (const m of manifests) if (isObject(m)) git.set(objectKey(m), m);
  const keys = [...rt.virtualServices.map(v => v.key), ...(rt.destinationRule ? [rt.destinationRule.key] : [])];
  const missing = keys.find(k => !git.has(k));
  if (missing) return { reason: `${missing.split('/')[1]} ${missing.split('/').slice(2).join('/')} is not among the manifests` };
  try {
    let live: LiveObjects = reconcile(rt, { kind: 'rest' }, new Map(keys.map(k => [k, git.get(k)]))).live;
    const costs: TrafficEditCost[] = [];
    for (let index = 0; index < rt.steps.length; index++) {
      const phase: RolloutPhase = { kind: 'step', index };
      live = reconcile(rt, phase, live).live;
      const applied = new Map(live);
      for (const ref of rt.virtualServices) applied.set(ref.key, applyClientSide(git.get(ref.key), git.get(ref.key), live.get(ref.key)));
      const changed = rt.virtualServices.map(v => v.key).filter(k => !deepEqual(applied.get(k), live.get(k)));
      costs.push(costOf(rt, index, live, applied, repair(rt, phase, applied, changed).live));
    }
    return { costs };
  } catch (e) {
    return { reason: (e as Error).message }; // the controller would refuse the Rollout (the rules say why)
  }
}
