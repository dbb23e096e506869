// The configuration a pod template reads (ConfigMaps and Secrets, by name) and the marks of versioned configuration:
// one definition for the constructs (VersionedConfigMap, ArgoRollout.referenceSecret), the rules (CR325, CR326) and
// the rollout plan (which configuration a revision covers). Works on plain JSON. Not exported from the package.
import { contentHash } from './hash';

/** Label of every content-hashed ConfigMap: its base name (the name without the hash). */
export const VERSIONED_CONFIG_LABEL = 'cdk8s-canary/config';
/**
 * Pod template annotation that carries the versions of the Secrets the pods read by name
 * (`db-credentials=7,tls=2026-11`, sorted by name): a new version is a new pod template, hence a new revision.
 */
export const SECRET_VERSIONS_ANNOTATION = 'cdk8s-canary/secret-versions';
/** Length of the content hash in a versioned ConfigMap's name (as in the revision label). */
export const CONFIG_HASH_LENGTH = 10;

/** What a pod template reads: ConfigMap and Secret names, each once, sorted. */
export interface PodConfigRefs {
  readonly configMaps: string[];
  readonly secrets: string[];
}

/** The data of one ConfigMap version. */
export interface ConfigData {
  readonly data?: { readonly [key: string]: string };
  readonly binaryData?: { readonly [key: string]: string };
}

/** `<base>-<hash of data and binaryData>`: the name changes exactly when the content does. */
export function versionedConfigName(base: string, content: ConfigData): string {
  return `${base}-${configHash(content)}`;
}

/** The content hash of a ConfigMap version (empty maps count as absent). */
export function configHash(content: ConfigData): string {
  const nonEmpty = (m: any) => (m && Object.keys(m).length > 0 ? m : undefined);
  return contentHash({ data: nonEmpty(content.data), binaryData: nonEmpty(content.binaryData) }, CONFIG_HASH_LENGTH);
}

/** The annotation value for Secret versions (`name=version`, sorted by name, comma separated). */
export function secretVersionsValue(versions: ReadonlyMap<string, string>): string {
  return [...versions.keys()].sort().map(name => `${name}=${versions.get(name)}`).join(',');
}

/** Reads the annotation value back: Secret name to version (malformed entries are skipped). */
export function parseSecretVersions(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value !== 'string') return out;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'];

/** One reference of a pod spec to a ConfigMap or Secret, with its path below the pod spec. */
export interface PodConfigRef {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  /** For example `containers[0].envFrom[1].configMapRef.name`. */
  readonly path: string;
}

/**
 * Every reference of a pod spec to a ConfigMap or Secret, in spec order: volumes (`configMap`, `secret`, `projected`
 * sources), and for every container `env[].valueFrom` (`configMapKeyRef`, `secretKeyRef`) and `envFrom`
 * (`configMapRef`, `secretRef`). `imagePullSecrets` are left out: registry credentials, not configuration of the release.
 */
export function podConfigRefList(podSpec: any): PodConfigRef[] {
  const out: PodConfigRef[] = [];
  const add = (kind: 'ConfigMap' | 'Secret', name: unknown, path: string) => {
    if (typeof name === 'string' && name.length > 0) out.push({ kind, name, path });
  };
  list(podSpec?.volumes).forEach((v, i) => {
    add('ConfigMap', v?.configMap?.name, `volumes[${i}].configMap.name`);
    add('Secret', v?.secret?.secretName, `volumes[${i}].secret.secretName`);
    list(v?.projected?.sources).forEach((src, j) => {
      add('ConfigMap', src?.configMap?.name, `volumes[${i}].projected.sources[${j}].configMap.name`);
      add('Secret', src?.secret?.name, `volumes[${i}].projected.sources[${j}].secret.name`);
    });
  });
  for (const field of CONTAINER_FIELDS) {
    list(podSpec?.[field]).forEach((c, i) => {
      list(c?.env).forEach((e, j) => {
        add('ConfigMap', e?.valueFrom?.configMapKeyRef?.name, `${field}[${i}].env[${j}].valueFrom.configMapKeyRef.name`);
        add('Secret', e?.valueFrom?.secretKeyRef?.name, `${field}[${i}].env[${j}].valueFrom.secretKeyRef.name`);
      });
      list(c?.envFrom).forEach((e, j) => {
        add('ConfigMap', e?.configMapRef?.name, `${field}[${i}].envFrom[${j}].configMapRef.name`);
        add('Secret', e?.secretRef?.name, `${field}[${i}].envFrom[${j}].secretRef.name`);
      });
    });
  }
  return out;
}

/** The ConfigMaps and Secrets a pod spec reads (`podConfigRefList`), each name once, sorted. */
export function podConfigRefs(podSpec: any): PodConfigRefs {
  const refs = podConfigRefList(podSpec);
  const names = (kind: string) => [...new Set(refs.filter(r => r.kind === kind).map(r => r.name))].sort();
  return { configMaps: names('ConfigMap'), secrets: names('Secret') };
}

/** Whether a Secret manifest carries values (`data` or `stringData` with at least one key). */
export function hasInlineValues(secret: any): boolean {
  const some = (m: any) => m !== null && typeof m === 'object' && Object.keys(m).length > 0;
  return some(secret?.data) || some(secret?.stringData);
}

function list(value: any): any[] {
  return Array.isArray(value) ? value : [];
}
