// CR325, CR326: the configuration the pods read (docs/config-changes.md): content-hashed ConfigMaps are referenced
// by their hashed name, and a canary's pods read no Secret whose values are in the manifests.
import { Context, Obj, show } from './_context';
import { hasInlineValues, podConfigRefList, VERSIONED_CONFIG_LABEL } from '../private/config';
import { isWorkloadRefTarget } from '../private/workload-ref';

export function checkConfig(ctx: Context): void {
  checkPlainNames(ctx);
  checkInlineSecrets(ctx);
}

/** CR325: a pod template references a content-hashed ConfigMap by its base name. */
function checkPlainNames(ctx: Context): void {
  // namespace -> base name -> the hashed names in the set
  const versioned = new Map<string, Map<string, string[]>>();
  for (const cm of ctx.ofKind('ConfigMap')) {
    const base = cm.raw.metadata?.labels?.[VERSIONED_CONFIG_LABEL];
    if (typeof base !== 'string') continue;
    const bases = versioned.get(cm.namespace) ?? new Map<string, string[]>();
    versioned.set(cm.namespace, bases);
    bases.set(base, [...bases.get(base) ?? [], cm.name]);
  }
  if (versioned.size === 0) return;
  for (const w of ctx.workloads()) {
    const bases = versioned.get(w.namespace);
    for (const ref of podConfigRefList(w.raw.spec?.template?.spec)) {
      const hashed = ref.kind === 'ConfigMap' ? bases?.get(ref.name) : undefined;
      if (!hashed || hashed.includes(ref.name)) continue;
      ctx.report('CR325', w, `spec.template.spec.${ref.path}`,
        `the pods read ConfigMap ${show(ref.name)}, the base name of the content-hashed ConfigMap ${show(hashed[0])}: that name is not the `
        + 'ConfigMap the library writes, so the pods wait for a ConfigMap that does not exist (or read another, mutable one), and a '
        + 'configuration change is not a new revision',
        `reference the VersionedConfigMap itself (kplus.Env.fromConfigMap(config), kplus.Volume.fromConfigMap(scope, id, config)), which carries the hashed name ${show(hashed[0])}`);
    }
  }
}

/** CR326: the pods of a canary Rollout (its own template or its workloadRef's) read a Secret whose values are in the manifests. */
function checkInlineSecrets(ctx: Context): void {
  const withValues = new Map<string, Obj>(); // `<namespace>/<name>` of the Secrets that carry values
  for (const s of ctx.ofKind('Secret')) {
    const key = `${s.namespace}/${s.name}`;
    if (hasInlineValues(s.raw) && !withValues.has(key)) withValues.set(key, s);
  }
  if (withValues.size === 0) return;
  for (const ro of ctx.ofKind('Rollout')) {
    if (!ro.raw.spec?.strategy?.canary) continue;
    const owner = templateOwner(ctx, ro);
    if (!owner) continue;
    for (const ref of podConfigRefList(owner.raw.spec?.template?.spec)) {
      const secret = ref.kind === 'Secret' ? withValues.get(`${owner.namespace}/${ref.name}`) : undefined;
      if (!secret) continue;
      ctx.report('CR326', secret, Object.keys(secret.raw.stringData ?? {}).length > 0 ? 'stringData' : 'data',
        `the pods of canary ${ro.label} read this Secret, whose values are in the manifests: they end up in the GitOps repository, `
        + 'readable by everyone who can read it, and stay in its history',
        'create the Secret with an operator (external-secrets, sealed-secrets) or outside the manifests, and reference it by name with its '
        + 'version: rollout.referenceSecret(name, { version })');
    }
  }
}

/** The object whose `spec.template` the Rollout's pods are made from: the Rollout, or the workload it references. */
function templateOwner(ctx: Context, ro: Obj): Obj | undefined {
  const ref = ro.raw.spec?.workloadRef;
  if (!ref) return ro;
  return ctx.objects.find(o => isWorkloadRefTarget(ref, ro.raw.metadata?.namespace, o.raw) && o.raw.spec?.template);
}
