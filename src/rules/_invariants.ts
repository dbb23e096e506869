// CR3xx: invariants of this library for a canary that is safe to run unattended.
import { arr, Context, Obj, show } from './_context';
import { DEFAULT_REVISION_HISTORY_LIMIT } from '../private/argo';
import { parseImage, RELEASE_VARYING_LABELS } from '../private/k8s';
import { podTemplateHash, REVISION_LABEL } from '../private/revision';
import { isWorkloadRefTarget } from '../private/workload-ref';

const CANARY = 'spec.strategy.canary';

export function checkInvariants(ctx: Context): void {
  for (const ro of ctx.ofKind('Rollout')) {
    const canary = ro.raw.spec?.strategy?.canary;
    if (!canary) continue;
    checkWeights(ctx, ro, arr(canary.steps));
    checkCoverage(ctx, ro, canary);
    checkRevision(ctx, ro, canary);
  }
  for (const ro of ctx.ofKind('Rollout')) checkRollbackWindow(ctx, ro);
  checkReleaseLabels(ctx);
  checkReadiness(ctx);
  checkImages(ctx);
  checkDuplicates(ctx);
  checkNoDataGuards(ctx);
}

// CR309
/** `len(result) == 0 || <rest>` (also `< 1`, `<= 0`), optionally in parentheses: no data counts as success. */
const NO_DATA_PASSES = /^\s*\(?\s*len\(\s*result\s*\)\s*(?:==\s*0|<\s*1|<=\s*0)\s*\|\|\s*(.+?)\s*$/;

/** CR309: a metric whose successCondition passes an empty result (a canary that gets no traffic is measured as healthy). */
function checkNoDataGuards(ctx: Context): void {
  for (const t of [...ctx.ofKind('AnalysisTemplate'), ...ctx.ofKind('ClusterAnalysisTemplate')]) {
    arr(t.raw.spec?.metrics).forEach((m: any, i: number) => {
      const cond = m?.successCondition;
      if (!m?.provider?.prometheus) return; // web and Datadog metrics: CR320, on their own result shapes
      const match = typeof cond === 'string' ? NO_DATA_PASSES.exec(cond) : null;
      if (!match) return;
      const rest = unwrap(match[1], cond);
      ctx.report('CR309', t, `spec.metrics[${i}].successCondition`,
        `metric ${show(m?.name)}: the success condition ${show(cond)} counts a query without data as a success, so a canary that gets no traffic `
        + '(or crashes and gets none) passes the analysis unmeasured',
        `require data instead: successCondition ${show(`len(result) > 0 && (${rest})`)}, and a failureCondition that is false without data `
        + '(for example "len(result) > 0 && result[0] < 0.95") so that no data is inconclusive and pauses the release; MetricCondition.atLeast() '
        + 'and atMost() write both');
    });
  }
}

/** The rest of a matched condition without the closing parenthesis of an opening one around the whole condition. */
function unwrap(rest: string, whole: string): string {
  return whole.trimStart().startsWith('(') && rest.endsWith(')') ? rest.slice(0, -1).trimEnd() : rest;
}

// CR308
function checkDuplicates(ctx: Context): void {
  const byIdentity = new Map<string, Obj[]>();
  for (const o of ctx.objects) {
    // one object per API group, kind, namespace and name in a cluster (the version is not part of it)
    const key = [o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '', o.kind, o.namespace, o.name, o.cluster].join('\u0000');
    const list = byIdentity.get(key);
    if (list) list.push(o);
    else byIdentity.set(key, [o]);
  }
  for (const list of byIdentity.values()) {
    for (const dup of list.slice(1)) {
      const first = list[0];
      ctx.report('CR308', dup, 'metadata.name',
        `${dup.label} is ${where(first, dup)}; it is one object in the cluster (same kind, namespace and name), so whichever is `
        + 'applied last replaces the other, and Argo CD sees two owners of it (or the Application shows it twice)',
        'give one of them another name (for a construct of this library, its \'name\' prop), put them in different namespaces, or remove one',
        [first]);
    }
  }
}

/** Where two definitions of one object are: their units and places when the input says. */
function where(first: Obj, dup: Obj): string {
  if (!first.origin || !dup.origin) return 'listed twice in the manifest set';
  const places = `at ${first.origin.path} and at ${dup.origin.path}`;
  const [u1, u2] = [first.origin.unit, dup.origin.unit];
  if (u1 !== undefined && u1 === u2) return `defined twice in ${u1} (${places})`;
  if (u1 !== undefined && u2 !== undefined) return `defined both in ${u1} and in ${u2} (${places})`;
  return `defined twice (${places})`;
}

// CR301, CR302
function checkWeights(ctx: Context, ro: Obj, steps: any[]): void {
  // the last valid weight and its step (-1: none yet)
  let weight = 0;
  let index = -1;
  for (let i = 0; i < steps.length; i++) {
    const w = steps[i]?.setWeight;
    if (!Number.isInteger(w) || w < 0 || w > 100) continue; // CR111 reports it
    if (index >= 0 && w < weight) {
      ctx.report('CR301', ro, `${CANARY}.steps[${i}].setWeight`,
        `'setWeight' (${w}) is lower than the weight of step ${index} (${weight}); traffic would move back to stable in the middle of the release`,
        `order the steps by increasing weight (raise step ${i} to at least ${weight}, or lower step ${index})`);
    }
    weight = w;
    index = i;
  }
  if (index < 0 || weight < 100) {
    ctx.report('CR302', ro, steps.length > 0 ? `${CANARY}.steps` : CANARY,
      index >= 0
        ? `the last 'setWeight' is ${weight} (step ${index}), so at the end of the steps the controller switches from ${weight}% to 100% at once, with no step that watches full traffic`
        : 'no step sets a weight, so the controller sends 100% of the traffic to the new version at once',
      'end the steps with { setWeight: 100 } followed by a pause or an analysis, so full traffic is watched while stable can still take it back');
  }
}

// CR304
function checkCoverage(ctx: Context, ro: Obj, canary: any): void {
  const steps = arr(canary.steps);
  const background = canary.analysis && arr(canary.analysis.templates).length > 0 ? canary.analysis : undefined;
  const startingStep = typeof background?.startingStep === 'number' ? background.startingStep : 0;
  let weight = 0;
  for (let i = 0; i < steps.length; i++) {
    const w = steps[i]?.setWeight;
    if (typeof w !== 'number') continue;
    const increase = w > weight;
    weight = Math.max(weight, w);
    if (!increase) continue;
    // the segment: the steps after i, up to the next one that sets a weight
    let end = i + 1;
    while (end < steps.length && typeof steps[end]?.setWeight !== 'number') end++;
    const empty = end === i + 1;
    if (empty && end === steps.length && w >= 100) continue; // the promotion itself
    let covered = false;
    for (let j = i + 1; j < end && !covered; j++) {
      const s = steps[j];
      covered = !!(s?.analysis
        || arr(s?.experiment?.analyses).length > 0
        || (s?.pause && (s.pause.duration === undefined || s.pause.duration === null))
        || (background && j >= startingStep && s?.pause && isPositiveDuration(s.pause.duration)));
    }
    if (!covered) {
      const why = empty
        ? 'the next step changes the weight right away'
        : background
          ? `no analysis step or manual pause follows it before the next weight change, and the background analysis (from step ${startingStep}) has no timed pause to measure in`
          : 'no analysis step, background analysis or manual pause follows it before the next weight change';
      ctx.report('CR304', ro, `${CANARY}.steps[${i}]`,
        `the increase to ${w}% at step ${i} is not watched: ${why}, so a bad canary gets more traffic unnoticed`,
        'add background analysis (\'canary.analysis\') with a timed pause after this step, an analysis step, or a manual pause ({ pause: {} }) before the next increase');
    }
  }
}

function isPositiveDuration(d: any): boolean {
  if (typeof d === 'number') return d > 0;
  if (typeof d !== 'string') return false;
  return /[1-9]/.test(d) && !d.trim().startsWith('-');
}

const RELEASE_VARYING = new Set(RELEASE_VARYING_LABELS);
/** The release-varying labels that a controller writes itself. */
const CONTROLLER_WRITTEN = ['rollouts-pod-template-hash', 'pod-template-hash', 'controller-revision-hash'];

// CR303
function checkReleaseLabels(ctx: Context): void {
  const bad = (labels: any) => Object.keys(labels ?? {}).filter(k => RELEASE_VARYING.has(k));
  const why = (k: string) => CONTROLLER_WRITTEN.includes(k)
    ? 'the controllers write this label themselves'
    : 'its value changes with every release, so after promotion it points at pods that no longer exist '
      + '(Argo Rollouts tells stable from canary by adding rollouts-pod-template-hash to the subsets itself)';

  for (const svc of ctx.ofKind('Service')) {
    const selector = svc.raw.spec?.selector;
    for (const k of bad(selector)) {
      ctx.report('CR303', svc, 'spec.selector',
        `the selector uses the label ${show(k)} (${show(selector[k])}); ${why(k)}`,
        `remove ${show(k)} from the Service selector: select the pods by identity labels only (for example "app")`);
    }
  }
  for (const ro of ctx.ofKind('Rollout')) {
    const sel = ro.raw.spec?.selector ?? {};
    const keys = [...bad(sel.matchLabels), ...arr(sel.matchExpressions).map((e: any) => e?.key).filter(k => RELEASE_VARYING.has(k))];
    for (const k of new Set(keys)) {
      ctx.report('CR303', ro, 'spec.selector',
        `the selector uses the label ${show(k)}; ${why(k)}, and a Rollout selector cannot be changed later`,
        `remove ${show(k)} from 'selector': select the pods by identity labels only (for example "app"); keep ${show(k)} on the pod template if you want it in metrics`);
    }
  }
  for (const dr of ctx.ofKind('DestinationRule')) {
    arr(dr.raw.spec?.subsets).forEach((s: any, i: number) => {
      for (const k of bad(s?.labels)) {
        ctx.report('CR303', dr, `spec.subsets[${i}].labels`,
          `subset ${show(s?.name)} selects the label ${show(k)} (${show(s.labels[k])}); ${why(k)}`,
          `remove ${show(k)} from the subset labels: label both subsets with the identity labels only (for example "app")`);
      }
    });
  }
}

// CR305
function checkReadiness(ctx: Context): void {
  for (const w of ctx.workloads()) {
    const labels = w.raw.spec?.template?.metadata?.labels ?? {};
    const containers = arr(w.raw.spec?.template?.spec?.containers);
    const serving = new Map<number, Array<[Obj, any]>>(); // the Service ports each container serves
    for (const svc of ctx.servicesSelecting(w, labels)) {
      for (const p of arr(svc.raw.spec?.ports)) {
        const target = p?.targetPort ?? p?.port;
        let index = containers.findIndex((c: any) => arr(c?.ports).some((cp: any) => (typeof target === 'number' ? cp?.containerPort === target : cp?.name === target)));
        if (index < 0 && containers.length === 1) index = 0;
        if (index < 0) continue;
        const ports = serving.get(index);
        if (ports) ports.push([svc, p]);
        else serving.set(index, [[svc, p]]);
      }
    }
    for (const [index, servedPorts] of [...serving].sort((a, b) => a[0] - b[0])) {
      const c = containers[index];
      if (c?.readinessProbe) continue;
      const ports = servedPorts.map(([svc, p]) => `${svc.label} port ${p?.port}`);
      ctx.report('CR305', w, `spec.template.spec.containers[${index}].readinessProbe`,
        `container ${show(c?.name)} serves ${ports.join(', ')} but has no readinessProbe, so new pods get traffic before they can answer and a broken canary counts as available`,
        `add a readinessProbe to container ${show(c?.name)} (for example an HTTP GET on its health endpoint)`);
    }
  }
}

/** The container fields whose images CR306 checks, in report order. */
const IMAGE_FIELDS = ['initContainers', 'containers'];

// CR306
function checkImages(ctx: Context): void {
  for (const w of ctx.workloads()) {
    const podSpec = w.raw.spec?.template?.spec;
    for (const field of IMAGE_FIELDS) {
      const containers = arr(podSpec?.[field]);
      for (let i = 0; i < containers.length; i++) {
        const image = containers[i]?.image;
        if (typeof image !== 'string') continue;
        const { tag, digest } = parseImage(image);
        if (digest) continue;
        if (tag === undefined || tag === 'latest') {
          ctx.report('CR306', w, `spec.template.spec.${field}[${i}].image`,
            `image ${show(image)} ${tag === 'latest' ? 'uses the tag "latest"' : 'has no tag'}, so the same manifest can start different code, a rollback does not restore the old version and the canary compares nothing`,
            `pin the image by version tag or digest (for example "${image.replace(/:latest$/, '')}:1.4.2" or "...@sha256:<digest>")`);
        }
      }
    }
  }
}

// CR307
/** Argument name under which the library passes the revision to the analysis. */
const REVISION_ARG = 'canary-revision';
/** The form the library gives the revision label: `<version>-<10 hex digits of the template hash>`. */
const LIBRARY_REVISION = /^(.*)-([0-9a-f]{10})$/;

function checkRevision(ctx: Context, ro: Obj, canary: any): void {
  // the template the pods are made from: the Rollout's, or that of the Deployment it references (workloadRef)
  const ref = ro.raw.spec?.workloadRef;
  const owner = ref ? ctx.objects.find(o => o.kind === 'Deployment' && isWorkloadRefTarget(ref, ro.raw.metadata?.namespace, o.raw)) : ro;
  const template = owner?.raw.spec?.template;
  const labels: { [k: string]: string } = template?.metadata?.labels ?? {};
  const revision = labels[REVISION_LABEL];
  if (!owner || typeof revision !== 'string') return;
  const m = LIBRARY_REVISION.exec(revision);
  if (m) {
    // what the library hashes (private/revision.ts): the pod template without its revision label
    const hash = podTemplateHash(template);
    if (hash !== m[2]) {
      const fresh = `${m[1]}-${hash}`;
      const args = revisionArgPaths(canary);
      ctx.report('CR307', owner, `spec.template.metadata.labels['${REVISION_LABEL}']`,
        `the revision label (${show(revision)}) was computed for another pod template (the final template hashes to ${show(hash)}): `
        + 'the template was changed after the library rendered it (for example by a JSON patch), so a canary can carry the same revision '
        + 'as stable and the analysis cannot tell them apart',
        'make the change through the construct API (containers, env, volumes, pod metadata) instead of a patch, '
        + `or patch the revision label too, to ${show(fresh)}${args.length > 0 ? `, and the analysis argument ${show(REVISION_ARG)} to the same value `
          + `(${owner === ro ? '' : `${ro.label} `}${args.join(', ')})` : ''}`);
      return; // the arguments follow the label: one finding, one fix
    }
  }
  checkRevisionArgs(ctx, ro, canary.analysis, revision, -1);
  const steps = arr(canary.steps);
  for (let i = 0; i < steps.length; i++) checkRevisionArgs(ctx, ro, steps[i]?.analysis, revision, i);
}

/** The paths of the literal `canary-revision` arguments of a canary's analyses (they must carry the revision label's value). */
function revisionArgPaths(canary: any): string[] {
  const runs: Array<[string, any]> = [['spec.strategy.canary.analysis', canary.analysis],
    ...arr(canary.steps).map((s: any, i: number): [string, any] => [`spec.strategy.canary.steps[${i}].analysis`, s?.analysis])];
  return runs.flatMap(([path, run]) => arr(run?.args)
    .map((a: any, j: number) => (a?.name === REVISION_ARG && typeof a.value === 'string' ? `${path}.args[${j}].value` : undefined))
    .filter((p): p is string => p !== undefined));
}

/** CR307 for the args of one analysis: the background one (step -1) or that of step `step`. */
function checkRevisionArgs(ctx: Context, ro: Obj, run: any, revision: string, step: number): void {
  const args = arr(run?.args);
  for (let j = 0; j < args.length; j++) {
    const a = args[j];
    if (a?.name === REVISION_ARG && typeof a.value === 'string' && a.value !== revision) {
      const path = step < 0 ? 'spec.strategy.canary.analysis' : `spec.strategy.canary.steps[${step}].analysis`;
      ctx.report('CR307', ro, `${path}.args[${j}].value`,
        `the analysis argument ${show(REVISION_ARG)} is ${show(a.value)}, but the pod template's revision label is ${show(revision)}, `
        + 'so the queries select pods that do not exist and measure nothing about the canary',
        `pass the template's revision (${show(revision)}) as ${show(REVISION_ARG)}, or leave the argument to the library`);
    }
  }
}

// CR317
function checkRollbackWindow(ctx: Context, ro: Obj): void {
  const revisions = ro.raw.spec?.rollbackWindow?.revisions;
  const limit = ro.raw.spec?.revisionHistoryLimit;
  const history = typeof limit === 'number' ? limit : DEFAULT_REVISION_HISTORY_LIMIT;
  if (typeof revisions !== 'number' || revisions <= history) return;
  ctx.report('CR317', ro, 'spec.rollbackWindow.revisions',
    `'rollbackWindow.revisions' (${revisions}) is larger than the revision history ('revisionHistoryLimit' ${history}${typeof limit === 'number' ? '' : ', the default'}): `
    + `the controller deletes all but the ${history} newest old ReplicaSets, so a rollback to an older revision creates a new ReplicaSet and runs the whole release`,
    `set 'revisionHistoryLimit' to at least ${revisions}${history > 0 ? `, or lower 'rollbackWindow.revisions' to ${history}` : ''}`);
}
