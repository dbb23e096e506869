// CR4xx: Argo CD Applications that deliver canaries. What an Application's sync options and ignoreDifferences do to the
// VirtualServices and DestinationRules the Argo Rollouts controller writes during a canary, as the sync model of
// private/argocd/ plays it (docs/argocd-sync-model.md), plus what the controller's own route ordering does to a
// VirtualService that Argo CD then keeps re-applying.
import { arr, Context, Obj, show, showList } from './_context';
import { RuleFinding } from './finding';
import { globMatch } from '../private/argocd/glob';
import { ISTIO_GROUP, managedRouteNames } from '../private/argocd/ignore';
import { IgnoreEntry } from '../private/argocd/ignore-entry';
import { compileJq, JqPath } from '../private/argocd/jq';
import { apiGroup, getPath, isApplicationManifest } from '../private/argocd/json';

/** The Istio kinds whose lists the controller writes. */
const ISTIO_KINDS = ['VirtualService', 'DestinationRule'];
const RESPECT = 'RespectIgnoreDifferences=true';
const APPLY_OUT_OF_SYNC_ONLY = 'ApplyOutOfSyncOnly=true';

/** Runs the Argo CD rules over every Application of the set, with the other objects of the set as what it deploys. */
export function checkArgoCd(ctx: Context): void {
  for (const app of ctx.ofKind('Application')) {
    if (isApplicationManifest(app.raw)) checkApplication(ctx, app);
  }
  for (const ro of ctx.ofKind('Rollout')) checkUnnamedRoutes(ctx, ro);
}

/**
 * The Argo CD rules for one Application and the objects it deploys (the rules over an Application's sync options and
 * ignoreDifferences, without the rules over the objects themselves, which run with their charts).
 */
export function checkArgoCdApplication(application: any, deployed: any[]): RuleFinding[] {
  const ctx = new Context([application, ...deployed].map(manifest => ({ manifest })));
  checkApplication(ctx, ctx.objects[0]);
  return ctx.results();
}

/** An ignoreDifferences entry with its index and the objects of the set it applies to. */
interface Entry {
  readonly index: number;
  readonly raw: IgnoreEntry;
  readonly path: string;
  /** The objects it applies to, with the namespace each lands in. */
  readonly targets: Obj[];
}

function checkApplication(ctx: Context, app: Obj): void {
  const options: any[] = arr(app.raw.spec?.syncPolicy?.syncOptions);
  const entries = arr(app.raw.spec?.ignoreDifferences).map((raw: any, index: number): Entry => ({
    index,
    raw: raw ?? {},
    path: `spec.ignoreDifferences[${index}]`,
    targets: targetsOf(ctx, app, raw ?? {}),
  }));
  const istioEntries = entries.filter(e => coversIstio(e.raw));
  if (istioEntries.length > 0) {
    checkRespect(ctx, app, options);
    checkApplyOutOfSyncOnly(ctx, app, options, istioEntries[0]);
  }
  for (const e of istioEntries) checkManagedFields(ctx, app, e);
  for (const e of entries) {
    const hidden = checkHiddenLists(ctx, app, e);
    checkBareIterations(ctx, app, e, hidden);
    checkPositionalPointers(ctx, app, e, hidden);
    checkRouteNames(ctx, app, e);
  }
}

/** The objects an entry applies to: the non-Application objects of the set that it matches (entryMatches). */
function targetsOf(ctx: Context, app: Obj, entry: any): Obj[] {
  const destination: string | undefined = app.raw.spec?.destination?.namespace;
  return ctx.objects.filter(o => o.kind !== 'Application' && matches(entry, o.raw, o.raw.metadata?.namespace ?? destination));
}

/** Whether an entry applies to an object (as Argo CD matches it); globs the model does not implement match nothing. */
function matches(entry: any, manifest: any, namespace: string | undefined): boolean {
  try {
    return globMatch(String(entry.group ?? ''), apiGroup(manifest.apiVersion)) && globMatch(String(entry.kind ?? ''), String(manifest.kind))
      && (!entry.name || entry.name === manifest.metadata?.name) && (!entry.namespace || entry.namespace === namespace);
  } catch {
    return false;
  }
}

/** Whether an entry's group and kind cover Istio VirtualServices or DestinationRules. */
function coversIstio(entry: any): boolean {
  return ISTIO_KINDS.some(kind => matches({ group: entry.group, kind: entry.kind }, { apiVersion: `${ISTIO_GROUP}/v1`, kind }, undefined));
}

/** CR401: RespectIgnoreDifferences copies the live value of every list that holds an ignored field. */
function checkRespect(ctx: Context, app: Obj, options: any[]): void {
  const i = options.indexOf(RESPECT);
  if (i < 0) return;
  ctx.report('CR401', app, `spec.syncPolicy.syncOptions[${i}]`,
    `"${RESPECT}" makes every sync apply the live copy of each list that holds an ignored field, because Istio's lists have no merge `
    + 'keys: a change committed anywhere in a VirtualService\'s spec.http (a timeout, retries, a new route) is never applied and the '
    + 'VirtualService stays OutOfSync for good (argo-cd#17694 and #23283, open on every release from 2.10.6 to 3.6.0-rc1; fix PR #29783 '
    + 'unreleased); on Argo CD 3.3.13, 3.4.5, 3.5.0 and later every apply of a DestinationRule also strips the subsets\' '
    + 'rollouts-pod-template-hash labels',
    `remove "${RESPECT}": "${APPLY_OUT_OF_SYNC_ONLY}" with per-object ignore rules already keeps syncs away from a running canary; `
    + 'merge VirtualService and DestinationRule edits when no canary runs (docs/argocd.md)');
}

/** CR408: without ApplyOutOfSyncOnly every sync re-applies the traffic objects of a running canary. */
function checkApplyOutOfSyncOnly(ctx: Context, app: Obj, options: any[], first: Entry): void {
  if (options.includes(APPLY_OUT_OF_SYNC_ONLY)) return;
  ctx.report('CR408', app, 'spec.syncPolicy.syncOptions',
    `the Application ignores fields of Istio objects (${first.path}: ${first.raw.kind} ${show(first.raw.name ?? '*')}) but its sync options `
    + `(${showList(options)}) lack "${APPLY_OUT_OF_SYNC_ONLY}": every sync, for example of a new image, then re-applies the VirtualServices `
    + 'and DestinationRules from git, which resets the weights of a running canary and removes its header and mirror routes for the rest of it',
    `add "${APPLY_OUT_OF_SYNC_ONLY}" to spec.syncPolicy.syncOptions`);
}

/** CR402: managedFieldsManagers on an Istio object hides whole lists. */
function checkManagedFields(ctx: Context, app: Obj, e: Entry): void {
  const managers = arr(e.raw.managedFieldsManagers);
  if (managers.length === 0) return;
  ctx.report('CR402', app, `${e.path}.managedFieldsManagers`,
    `managedFieldsManagers ${showList(managers)} on ${e.raw.kind} objects: Istio's lists are atomic, so a manager that changed one weight `
    + 'or one subset label owns all of spec.http or spec.subsets, and Argo CD drops the whole list from the diff; after one canary a '
    + 'route or subset edit in git never shows OutOfSync and is never applied (argo-rollouts#3854, open)',
    'remove managedFieldsManagers from this entry: the per-object jq rules the library computes ignore exactly the fields the controller writes');
}

// ---------------------------------------------------------------------------------------------------
// CR403: rules that hide a whole list or element git owns

/** What a rule selects in a git object, when it selects a whole route list, route, destination, subset list or subset. */
function hiddenWhole(manifest: any, path: JqPath): string | undefined {
  const [spec, list, i, route, j] = path;
  if (path.length === 0) return 'the whole object';
  if (spec !== 'spec') return undefined;
  if (path.length === 1) return 'the whole spec';
  if (manifest.kind === 'DestinationRule') {
    if (list !== 'subsets') return undefined;
    if (path.length === 2) return 'all subsets (spec.subsets)';
    return path.length === 3 ? `the subset ${show(manifest.spec.subsets[i as number]?.name)} (spec.subsets[${i}])` : undefined;
  }
  if (list !== 'http' && list !== 'tls' && list !== 'tcp') return undefined;
  if (path.length === 2) return `all ${list} routes (spec.${list})`;
  const name = manifest.spec[list][i as number]?.name;
  const label = `the ${list} route ${name !== undefined ? `${show(name)} ` : ''}(spec.${list}[${i}])`;
  if (path.length === 3) return label;
  if (route !== 'route') return undefined;
  if (path.length === 4) return `every destination of ${label}`;
  return path.length === 5 ? `a whole destination of ${label} (route[${j}])` : undefined;
}

/**
 * The paths a rule selects in a git object and that exist there: a JSON pointer's, or a jq expression's. A pointer
 * "" and the jq expression "." select the whole object, which Argo CD cannot remove (the rule fails and is skipped).
 */
function selectedPaths(manifest: any, rule: { pointer?: string; jq?: string }): JqPath[] {
  if (rule.pointer !== undefined) {
    if (!rule.pointer.startsWith('/')) return [];
    const path: JqPath = [];
    let cur = manifest;
    for (const part of rule.pointer.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
      const key: string | number = Array.isArray(cur) && /^[0-9]+$/.test(part) ? Number(part) : part;
      if (cur === null || typeof cur !== 'object' || !(key in cur)) return [];
      path.push(key);
      cur = cur[key as any];
    }
    return [path];
  }
  try {
    return compileJq(rule.jq!).paths(manifest).filter(p => getPath(manifest, p) !== undefined);
  } catch {
    return []; // outside the modelled jq subset, or an error (Argo CD then skips the rule: CR404's concern)
  }
}

/**
 * CR403: a rule that selects, in the git VirtualService or DestinationRule it applies to, a whole route list, route,
 * destination, subset list or subset. Returns the rules it reported (JSON pointers and jq expressions).
 */
function checkHiddenLists(ctx: Context, app: Obj, e: Entry): Set<string> {
  const reported = new Set<string>();
  const rules = [
    ...arr(e.raw.jsonPointers).map((p: any, i: number) => ({ pointer: String(p), at: `${e.path}.jsonPointers[${i}]`, text: `jsonPointer ${show(p)}` })),
    ...arr(e.raw.jqPathExpressions).map((x: any, i: number) => ({ jq: String(x), at: `${e.path}.jqPathExpressions[${i}]`, text: `jq expression ${show(x)}` })),
  ];
  for (const rule of rules) {
    for (const target of e.targets.filter(t => ISTIO_KINDS.includes(t.kind) && apiGroup(t.apiVersion) === ISTIO_GROUP)) {
      const hidden = selectedPaths(target.raw, rule).map(p => hiddenWhole(target.raw, p)).find(h => h !== undefined);
      if (!hidden) continue;
      reported.add(rule.at);
      ctx.report('CR403', app, rule.at,
        `the ${rule.text} selects ${hidden} of ${target.label} as committed to git, so Argo CD leaves it out of the diff: a change you commit `
        + 'there never shows OutOfSync and is never applied',
        target.kind === 'VirtualService'
          ? 'narrow the rule to the fields the controller writes, for example .spec.http[]? | select(.name == "primary") | .route[]?.weight; if the '
            + 'route is a header or mirror route the Rollout manages, take it out of git (the controller adds and deletes it)'
          : 'narrow the rule to the labels the controller writes: .spec.subsets[]?.labels["rollouts-pod-template-hash"]');
      break;
    }
  }
  return reported;
}

// ---------------------------------------------------------------------------------------------------
// CR404, CR405, CR407: how rules are written

/** CR404: `[]` without `?` makes jq fail on a missing list, and Argo CD then skips the expression. */
function checkBareIterations(ctx: Context, app: Obj, e: Entry, hidden: Set<string>): void {
  arr(e.raw.jqPathExpressions).forEach((x: any, i: number) => {
    const at = `${e.path}.jqPathExpressions[${i}]`;
    if (hidden.has(at) || !/\[\s*\](?!\s*\?)/.test(String(x).replace(/"(?:[^"\\]|\\.)*"/g, '""'))) return;
    ctx.report('CR404', app, at,
      `the jq expression ${show(x)} iterates with "[]": where that list is missing (for example "route" of a redirect or direct-response `
      + 'route) jq fails with "Cannot iterate over null", and Argo CD then skips the whole expression on that object without a visible error, '
      + 'so the fields it should ignore show OutOfSync and self-heal resets them',
      `write "[]?" instead of "[]" (${show(String(x).replace(/\[\s*\](?!\s*\?)/g, '[]?'))})`);
  });
}

/** CR407: a JSON pointer into spec.http by position points at another route once the controller inserts managed routes. */
function checkPositionalPointers(ctx: Context, app: Obj, e: Entry, hidden: Set<string>): void {
  if (!e.targets.some(t => t.kind === 'VirtualService')) return;
  arr(e.raw.jsonPointers).forEach((p: any, i: number) => {
    const at = `${e.path}.jsonPointers[${i}]`;
    if (hidden.has(at) || !/^\/spec\/(http|tls|tcp)\/[0-9]+(\/|$)/.test(String(p))) return;
    ctx.report('CR407', app, at,
      `the jsonPointer ${show(p)} names a route by its position, but during a canary the controller inserts header and mirror routes at the `
      + 'top of spec.http (argo-rollouts#2463), so the position then holds another route: the pointer ignores the wrong field, or fails and '
      + 'is skipped',
      'use a jq expression that selects the route by name, for example .spec.http[]? | select(.name == "primary") | .route[]?.weight');
  });
}

/** CR405: a rule selects http routes by a name that no Rollout routing through the VirtualService adds. */
function checkRouteNames(ctx: Context, app: Obj, e: Entry): void {
  const services = e.targets.filter(t => t.kind === 'VirtualService');
  if (services.length === 0) return;
  arr(e.raw.jqPathExpressions).forEach((x: any, i: number) => {
    const text = String(x);
    if (!/^\s*\.spec\s*\.\s*http\b/.test(text)) return;
    for (const name of [...text.matchAll(/\.name\s*==\s*("(?:[^"\\]|\\.)*")/g)].map(m => JSON.parse(m[1]) as string)) {
      const unknown = services.filter(vs => !arr(vs.raw.spec?.http).some((r: any) => r?.name === name) && !managedBy(ctx, vs).includes(name));
      if (unknown.length === 0) continue;
      const vs = unknown[0];
      ctx.report('CR405', app, `${e.path}.jqPathExpressions[${i}]`,
        `the jq expression selects the http route ${show(name)}, which is neither a route of ${vs.label} in git nor a managed route that a Rollout `
        + `routing through it adds (its managed routes: ${showList(managedBy(ctx, vs))}): the rule ignores nothing`,
        'use the name of a setHeaderRoute or setMirrorRoute step (or of a route in git), or remove the expression');
    }
  });
}

/** The managed routes (managedRoutes and step names) of the Rollouts that route through a VirtualService. */
function managedBy(ctx: Context, vs: Obj): string[] {
  const names = new Set<string>();
  for (const ro of ctx.ofKind('Rollout')) {
    if (referencedServices(ro).some(ref => ref.name === vs.name && ref.namespace === vs.namespace)) {
      for (const n of managedRouteNames(ro.raw.spec?.strategy?.canary)) names.add(n);
    }
  }
  return [...names];
}

/** The VirtualServices a Rollout references: `name` in its namespace, or `name.namespace`. */
function referencedServices(ro: Obj): Array<{ name: string; namespace: string }> {
  const istio = ro.raw.spec?.strategy?.canary?.trafficRouting?.istio;
  const refs: any[] = istio?.virtualService ? [istio.virtualService] : arr(istio?.virtualServices);
  return refs.filter(r => typeof r?.name === 'string').map(r => {
    const dot = r.name.indexOf('.');
    return dot > 0 ? { name: r.name.slice(0, dot), namespace: r.name.slice(dot + 1) } : { name: r.name, namespace: ro.namespace };
  });
}

// ---------------------------------------------------------------------------------------------------
// CR406: unnamed http routes and managedRoutes

/**
 * CR406: with `managedRoutes` set, the controller reorders spec.http after each write (istio.go orderRoutes,
 * getOrderedVirtualServiceRoutes), and that matches every unnamed route with every other one: n unnamed routes
 * become n² copies, again at the next write.
 */
function checkUnnamedRoutes(ctx: Context, ro: Obj): void {
  const canary = ro.raw.spec?.strategy?.canary;
  if (!canary?.trafficRouting?.managedRoutes) return;
  for (const ref of referencedServices(ro)) {
    const vs = ctx.find('VirtualService', ref.namespace, ref.name);
    const unnamed = arr(vs?.raw.spec?.http).map((r: any, i: number) => (typeof r?.name === 'string' ? -1 : i)).filter((i: number) => i >= 0);
    if (!vs || unnamed.length < 2) continue;
    ctx.report('CR406', vs, `spec.http[${unnamed[1]}]`,
      `${unnamed.length} http routes have no name (spec.http[${unnamed.join('], [')}]) and Rollout ${ro.namespace}/${ro.name} sets managedRoutes: `
      + 'after every write the controller puts the managed routes first and matches each unnamed route with every other one, so the '
      + `${unnamed.length} routes become ${unnamed.length ** 2}, then ${unnamed.length ** 4} at its next write; Argo CD shows the copies as OutOfSync and self-heal `
      + 'puts git back, only for the controller to copy them again',
      'give every http route of the VirtualService a name');
  }
}
