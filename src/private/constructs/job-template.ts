// The pod template of a Job metric, rendered by cdk8s-plus from a container spec: a `kplus.Job` in a scratch app, so
// that the pod gets cdk8s-plus's defaults (non-root, read-only root filesystem, no privilege escalation, restartPolicy
// Never, no service account token) and the volumes its mounts need. Not exported from the package.
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { assertLabels, assertPinnedImage } from '../k8s';

/** What the pod template is made of. */
export interface JobTemplateInput {
  readonly container: kplus.ContainerProps;
  readonly serviceAccount?: kplus.IServiceAccount;
  readonly podLabels?: { [key: string]: string };
  readonly podAnnotations?: { [key: string]: string };
}

/** The label cdk8s-plus adds to select its own pods; a Job metric's pods are never selected. */
const ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/** The pod template (`metadata` and `spec`) of the Job, as plain JSON. */
export function renderJobTemplate(where: string, input: JobTemplateInput): any {
  if (!input.container || typeof input.container.image !== 'string') {
    throw new Error(`${where}: 'container.image' is missing: give the container that runs the check, with a pinned image`);
  }
  assertPinnedImage(`${where} container.image`, input.container.image);
  if (input.podLabels) assertLabels(`${where} podLabels`, input.podLabels);
  const chart = new Chart(new App(), 'job-metric');
  const job = new kplus.Job(chart, 'job', {
    containers: [input.container],
    serviceAccount: input.serviceAccount,
    podMetadata: { labels: input.podLabels, annotations: input.podAnnotations },
  });
  const template = ApiObject.of(job).toJson().spec.template;
  const labels = { ...template.metadata?.labels };
  delete labels[ADDRESS_LABEL];
  const metadata: any = {};
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  if (template.metadata?.annotations && Object.keys(template.metadata.annotations).length > 0) metadata.annotations = template.metadata.annotations;
  return { ...(Object.keys(metadata).length > 0 ? { metadata } : {}), spec: template.spec };
}
