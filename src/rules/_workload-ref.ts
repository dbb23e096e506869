// CR160-CR165 (what the Argo Rollouts controller does with `spec.workloadRef`) and CR327, CR328 (the library's rules
// for migrating a running Deployment: selector conflicts, traffic to the Deployment's pods until the drain).
import { arr, Context, Obj, show, showList } from './_context';
import { apiGroupOf } from '../private/gvk';
import { mapSelects, selectorMatches } from '../private/k8s';
import { REVISION_LABEL } from '../private/revision';
import { isWorkloadRefTarget, SCALE_DOWN_MODES, workloadKindOf, workloadTemplate } from '../private/workload-ref';

const REF = 'spec.workloadRef';
/** The labels the library writes on a referenced pod template per release (version labels and the revision label). */
const PER_RELEASE_LABELS = ['app.kubernetes.io/version', 'version', REVISION_LABEL];

export function checkWorkloadRefs(ctx: Context): void {
  for (const ro of ctx.ofKind('Rollout')) {
    const ref = ro.raw.spec?.workloadRef;
    if (!ref || typeof ref !== 'object') continue;
    checkNoTemplate(ctx, ro);
    checkScaleDown(ctx, ro, ref);
    const kind = workloadKindOf(ref);
    if (!kind) {
      // CR161
      ctx.report('CR161', ro, REF, `'workloadRef' names ${show(ref.apiVersion)} ${show(ref.kind)}; the controller says "workload of type `
        + `${apiGroupOf(ref.apiVersion)}/${ref.kind} is not supported" and the Rollout stays InvalidSpec`,
      'reference an apps/v1 Deployment (or an apps/v1 ReplicaSet or a v1 PodTemplate)');
      continue;
    }
    const target = ctx.objects.find(o => isWorkloadRefTarget(ref, ro.raw.metadata?.namespace, o.raw));
    if (!target) {
      // CR162
      ctx.report('CR162', ro, `${REF}.name`, `${kind.kind} ${show(ref.name)} is not in the manifest set, so its pod template cannot be checked; `
        + 'the Rollout stays InvalidSpec until it exists in the Rollout\'s namespace',
      `add ${kind.kind} ${show(ref.name)} to the manifests checked together, or fix 'workloadRef.name'`);
      continue;
    }
    const template = workloadTemplate(kind, target.raw);
    const selects = checkSelector(ctx, ro, target, template);
    if (kind.kind === 'Deployment') {
      checkDeploymentSelector(ctx, ro, target);
      if (selects) checkMigrationTraffic(ctx, ro, target, template); // else CR163 reports the cause
    }
  }
}

/** CR160: with workloadRef, `spec.template` is empty (validation.go, templateref.go Resolve). */
function checkNoTemplate(ctx: Context, ro: Obj): void {
  const t = ro.raw.spec?.template;
  const empty = t === undefined || t === null || (typeof t === 'object' && Object.keys(t.spec ?? {}).length === 0
    && Object.keys(t.metadata ?? {}).every(k => Object.keys(t.metadata[k] ?? {}).length === 0));
  if (empty) return;
  ctx.report('CR160', ro, 'spec.template',
    `the Rollout has both 'workloadRef' (${show(ro.raw.spec.workloadRef?.name)}) and a pod template; the controller refuses it with `
    + '"template must be empty for workload reference rollout"',
    'remove \'spec.template\' and make the pod changes on the referenced workload, or remove \'workloadRef\'');
}

/** CR164, CR165: the scaleDown values the controller acts on, and only for a Deployment (scale_utils.go scales a Deployment by name). */
function checkScaleDown(ctx: Context, ro: Obj, ref: any): void {
  const mode = ref.scaleDown;
  if (mode === undefined || mode === '') return;
  if (!SCALE_DOWN_MODES.includes(mode)) {
    ctx.report('CR164', ro, `${REF}.scaleDown`,
      `'scaleDown' is ${show(mode)}; the controller compares it with ${showList([...SCALE_DOWN_MODES])} only, so the referenced workload is never scaled down `
      + 'and capacity stays doubled',
      'set \'scaleDown\' to "progressively" (or "onsuccess", or "never" and scale the workload down yourself)');
  } else if (mode !== 'never' && ro.raw.spec.workloadRef.kind !== 'Deployment') {
    ctx.report('CR165', ro, `${REF}.scaleDown`,
      `'scaleDown' is ${show(mode)} for a ${show(ref.kind)}; the controller scales down the apps/v1 Deployment named ${show(ref.name)} `
      + '(rollout/scale_utils.go), which is not the referenced workload: it fails, or scales another workload',
      `set 'scaleDown' to "never" and scale the ${ref.kind} down yourself, or reference the Deployment`);
  }
}

/**
 * CR163: the Rollout's selector selects the referenced template's labels (ValidatePodTemplateSpecForReplicaSet on the
 * resolved template). Returns whether it does.
 */
function checkSelector(ctx: Context, ro: Obj, target: Obj, template: any): boolean {
  const selector = ro.raw.spec?.selector;
  if (!selector) return true; // the controller then takes the workload's own selector (templateref.go Resolve)
  const labels = template?.metadata?.labels ?? {};
  if (selectorMatches(selector, labels)) return true;
  const missing = Object.keys(selector.matchLabels ?? {}).filter(k => labels[k] !== selector.matchLabels[k]);
  ctx.report('CR163', ro, 'spec.selector',
    `'selector' (${show(selector)}) does not select the pod template labels of ${target.label} (${show(labels)}); after resolving 'workloadRef' `
    + 'the controller says "selector does not match template labels" and the Rollout stays InvalidSpec',
    missing.length > 0
      ? `add the label${missing.length > 1 ? 's' : ''} ${missing.map(k => `${k}=${show(selector.matchLabels[k])}`).join(', ')} to the pod template of ${target.label} `
        + '(Kubernetes replaces its pods once), or select by labels the template has'
      : `make every selector expression match a label of the pod template of ${target.label}`);
  return false;
}

/** CR327: the Deployment's immutable selector does not use a label the library changes per release. */
function checkDeploymentSelector(ctx: Context, ro: Obj, deployment: Obj): void {
  const sel = deployment.raw.spec?.selector ?? {};
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...arr(sel.matchExpressions).map((e: any) => e?.key)];
  for (const k of new Set(keys.filter(key => PER_RELEASE_LABELS.includes(key)))) {
    ctx.report('CR327', deployment, 'spec.selector',
      `${ro.label} takes its pod template from this Deployment, whose selector uses ${show(k)}: that label changes with every release, `
      + 'but a Deployment\'s selector cannot be changed and its pod template must keep matching it',
      'migrate from a Deployment that selects its pods by identity labels only (for example "app"): create one next to it, or convert this '
      + 'Deployment to a Rollout with its own template');
  }
}

/**
 * CR328: while the Deployment still has pods (replicas above 0 in the manifests), the subsets the Rollout routes to
 * select them: the DestinationRule keeps git's labels until the Rollout's first ReplicaSet is fully available
 * (istio.go shouldDelayDestinationRuleUpdate), so until then the Deployment's pods carry the traffic.
 */
function checkMigrationTraffic(ctx: Context, ro: Obj, deployment: Obj, template: any): void {
  if (deployment.raw.spec?.replicas === 0) return;
  const dr = ro.raw.spec?.strategy?.canary?.trafficRouting?.istio?.destinationRule;
  const rule = typeof dr?.name === 'string' ? ctx.find('DestinationRule', ro.namespace, dr.name) : undefined;
  if (!rule) return; // CR106 reports a missing DestinationRule
  const labels = template?.metadata?.labels ?? {};
  arr(rule.raw.spec?.subsets).forEach((s: any, i: number) => {
    if (![dr.stableSubsetName, dr.canarySubsetName].includes(s?.name) || mapSelects(s.labels, labels)) return;
    ctx.report('CR328', rule, `spec.subsets[${i}].labels`,
      `subset ${show(s.name)} (${show(s.labels ?? {})}) does not select the pods of ${deployment.label}, which ${ro.label} is migrating from: `
      + 'until the Rollout\'s first ReplicaSet is fully available the subsets keep these labels, so the traffic routed to them finds no ready pod (503)',
      'label the stable and canary subsets with identity labels that the Deployment\'s pod template has (the Rollout\'s selector labels)');
  });
}
