// The revision label: `<version>-<hash of the pod template>`, one definition for the Rollout's own template, the
// template of the Deployment a Rollout migrates from (workloadRef), and rule CR307 that re-checks it on the final
// manifests. Not exported from the package.
import { contentHash } from './hash';

/** Istio's canonical revision label, reported as `destination_canonical_revision`. */
export const REVISION_LABEL = 'service.istio.io/canonical-revision';

/**
 * The content hash of a pod template (`{ metadata: { labels, annotations }, spec }`, plain JSON) that its revision
 * label carries: the template without the revision label itself; no annotations and empty annotations hash alike.
 */
export function podTemplateHash(template: any): string {
  const labels = { ...template?.metadata?.labels };
  delete labels[REVISION_LABEL];
  const annotations = template?.metadata?.annotations;
  return contentHash({
    annotations: annotations && Object.keys(annotations).length > 0 ? annotations : undefined,
    labels,
    spec: template?.spec,
  });
}

/** The revision label value for a release name and a template hash (a label value: at most 63 characters). */
export function revisionValue(version: string, hash: string): string {
  return `${version.slice(0, 52).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}
