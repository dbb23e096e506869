// The Job provider (argo-rollouts metricproviders/job/job.go): each measurement creates a Kubernetes Job from
// `provider.job.spec` (a batch/v1 JobSpec) and waits for it. A complete Job is a Successful measurement, a failed one
// a Failed measurement; conditions are not read. Terminating the run (promotion, abort) deletes a running Job and
// counts its measurement as Successful. The next measurement starts `interval` after the previous one finished
// (analysis/analysis.go generateMetricTasks), so a Job's run time adds to the interval. Not exported from the package.
import { parseGoDuration } from '../argo';
import { MetricContext, MetricProblem, PlanHints, ProviderModel } from './provider';

/** Annotations of a canary test Job (`CanaryTestTraffic`), which the rules and the plan read. */
export const TEST_ANNOTATIONS = {
  /** The header route the test traffic goes through. */
  ROUTE: 'cdk8s-canary/test-route',
  /** The header the test sends, as `name: value`. */
  HEADER: 'cdk8s-canary/test-header',
  /** A load test's request rate, requests per second. */
  LOAD_RATE: 'cdk8s-canary/load-requests-per-second',
  /** A load test's duration (Go duration). */
  LOAD_DURATION: 'cdk8s-canary/load-duration',
} as const;

/** What `AnalysisMetric.job()` hands the provider. */
export interface JobInput {
  /** The pod template (metadata and spec), as cdk8s-plus renders it. */
  readonly template: any;
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  readonly labels: { readonly [key: string]: string };
  readonly annotations: { readonly [key: string]: string };
}

/** Renders `provider.job`: the Job's metadata and its spec. */
export function renderJob(p: JobInput): any {
  const metadata: any = {};
  if (Object.keys(p.annotations).length > 0) metadata.annotations = { ...p.annotations };
  if (Object.keys(p.labels).length > 0) metadata.labels = { ...p.labels };
  return {
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    spec: { activeDeadlineSeconds: p.activeDeadlineSeconds, backoffLimit: p.backoffLimit, template: p.template },
  };
}

function countOf(metric: any): number | undefined {
  const c = metric?.count;
  if (typeof c === 'number') return c;
  if (typeof c === 'string' && /^\d+$/.test(c.trim())) return parseInt(c, 10);
  return undefined;
}

/** CR321: a Job metric with an interval has a count: otherwise it starts a Job every interval until the rollout ends. */
function checkBoundedCount(metric: any): MetricProblem[] {
  const count = countOf(metric);
  const placeholder = typeof metric?.count === 'string' && metric.count.includes('{{');
  if (metric?.interval === undefined || (count !== undefined && count > 0) || placeholder) return [];
  return [{
    code: 'CR321',
    error: true,
    path: 'count',
    message: `the Job metric has 'interval' (${JSON.stringify(metric.interval)}) and no 'count', so it starts a Job every interval until the analysis ends: `
      + 'through a long or paused release (an inconclusive pause lasts until someone acts) that is an unbounded number of Jobs and pods',
    fix: "give the metric a 'count' (for example 3), or drop 'interval' to run the Job once",
  }];
}

/** CR322: the Job has an activeDeadlineSeconds, no longer than the interval between measurements. */
function checkDeadline(metric: any): MetricProblem[] {
  const deadline = metric?.provider?.job?.spec?.activeDeadlineSeconds;
  const interval = typeof metric?.interval === 'string' ? parseGoDuration(metric.interval) : undefined;
  if (typeof deadline !== 'number') {
    return [{
      code: 'CR322',
      error: false,
      path: 'provider.job.spec.activeDeadlineSeconds',
      message: 'the Job has no activeDeadlineSeconds, so a Job whose pod never starts (an image that cannot be pulled, no node fits) runs forever: '
        + 'the measurement never ends, and an analysis step holds the release until someone aborts it',
      fix: "set 'activeDeadlineSeconds' (AnalysisMetric.job's activeDeadline) to the longest the check may take",
    }];
  }
  if (interval === undefined || deadline <= interval) return [];
  return [{
    code: 'CR322',
    error: false,
    path: 'provider.job.spec.activeDeadlineSeconds',
    message: `the Job may run ${deadline}s (activeDeadlineSeconds), longer than the metric's interval (${metric.interval}): the next measurement starts `
      + 'an interval after the previous Job finished, so measurements come up to every interval + run time, and a failing canary is found that much later',
    fix: "shorten the Job's activeDeadline to at most the interval, or lengthen the interval; the rollout plan times the metric with the Job's run time",
  }];
}

/** The load a canary test Job declares in its annotations, if it is a load test. */
function loadOf(metric: any): PlanHints['load'] {
  const a = metric?.provider?.job?.metadata?.annotations ?? {};
  const rate = Number(a[TEST_ANNOTATIONS.LOAD_RATE]);
  const duration = typeof a[TEST_ANNOTATIONS.LOAD_DURATION] === 'string' ? parseGoDuration(a[TEST_ANNOTATIONS.LOAD_DURATION]) : undefined;
  if (!(rate > 0) || duration === undefined) return undefined;
  return { requestsPerSecond: rate, durationSeconds: duration, route: String(a[TEST_ANNOTATIONS.ROUTE] ?? '') };
}

export const JOB: ProviderModel = {
  key: 'job',
  title: 'Job',
  shape: 'none',
  check(metric: any, _ctx: MetricContext): MetricProblem[] {
    return [...checkBoundedCount(metric), ...checkDeadline(metric)];
  },
  planHints(metric: any): PlanHints {
    const load = loadOf(metric);
    return {
      measurementSeconds: load?.durationSeconds ?? 0,
      measurementBounded: load === undefined,
      needsCanaryTraffic: false,
      load,
    };
  },
};
