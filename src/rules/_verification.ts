// Rules over the verification of a canary beyond Prometheus: the checks each metric provider makes of its metrics
// (CR140-CR143, CR318-CR322, in src/private/metric-providers/), and the wiring of canary test traffic (CR323).
import { arr, Context, Obj, show } from './_context';
import { checkMetric } from '../private/metric-providers/index';
import { TEST_ANNOTATIONS } from '../private/metric-providers/job';

const CANARY = 'spec.strategy.canary';

export function checkVerification(ctx: Context): void {
  checkProviderMetrics(ctx);
  for (const ro of ctx.ofKind('Rollout')) {
    const canary = ro.raw.spec?.strategy?.canary;
    if (canary) checkTestTraffic(ctx, ro, canary);
  }
}

/** The providers' own checks of every metric of every template. */
function checkProviderMetrics(ctx: Context): void {
  for (const t of [...ctx.ofKind('AnalysisTemplate'), ...ctx.ofKind('ClusterAnalysisTemplate')]) {
    const args = arr(t.raw.spec?.args);
    arr(t.raw.spec?.metrics).forEach((metric: any, i: number) => {
      for (const p of checkMetric(metric, { args })) {
        ctx.report(p.code, t, `spec.metrics[${i}].${p.path}`, `metric ${show(metric?.name)}: ${p.message}`, p.fix);
      }
    });
  }
}

/** An analysis of the Rollout: where it is, from which step it runs, and its template references. */
interface Run {
  readonly path: string;
  readonly start: number;
  readonly background: boolean;
  readonly templates: any[];
}

function runsOf(canary: any): Run[] {
  const runs: Run[] = [];
  if (canary.analysis) {
    const start = typeof canary.analysis.startingStep === 'number' ? canary.analysis.startingStep : 0;
    runs.push({ path: `${CANARY}.analysis`, start, background: true, templates: arr(canary.analysis.templates) });
  }
  arr(canary.steps).forEach((step: any, i: number) => {
    if (step?.analysis) runs.push({ path: `${CANARY}.steps[${i}].analysis`, start: i, background: false, templates: arr(step.analysis.templates) });
  });
  return runs;
}

/** A canary test Job of a template: the header route and the header it relies on. */
interface TestJob {
  readonly template: Obj;
  readonly metric: string;
  readonly route: string;
  readonly header: string;
  readonly value: string;
  readonly pod: any;
}

function testJobsOf(ctx: Context, ro: Obj, run: Run): TestJob[] {
  const jobs: TestJob[] = [];
  for (const ref of run.templates) {
    const t = ref?.clusterScope ? ctx.find('ClusterAnalysisTemplate', '', ref?.templateName) : ctx.find('AnalysisTemplate', ro.namespace, ref?.templateName);
    if (!t) continue; // CR122 / CR123
    for (const m of arr(t.raw.spec?.metrics)) {
      const annotations = m?.provider?.job?.metadata?.annotations ?? {};
      const route = annotations[TEST_ANNOTATIONS.ROUTE];
      if (typeof route !== 'string') continue;
      const [header, ...value] = String(annotations[TEST_ANNOTATIONS.HEADER] ?? '').split(':');
      jobs.push({ template: t, metric: String(m?.name), route, header: header.trim(), value: value.join(':').trim(), pod: m?.provider?.job?.spec?.template });
    }
  }
  return jobs;
}

/** The header routes in force before step `index`, by name: their `match` (steps before it, in order). */
function routesBefore(steps: any[], index: number): Map<string, any[]> {
  const routes = new Map<string, any[]>();
  steps.slice(0, index).forEach((s: any) => {
    const r = s?.setHeaderRoute;
    if (!r) return;
    if (arr(r.match).length > 0) routes.set(r.name, arr(r.match));
    else routes.delete(r.name);
  });
  return routes;
}

/** Whether a header route's matches send a request with `header: value` (every match condition holds). */
function routeMatches(match: any[], header: string, value: string): boolean {
  return match.some((m: any) => {
    const v = m?.headerValue ?? {};
    if (String(m?.headerName ?? '').toLowerCase() !== header.toLowerCase()) return false;
    if (v.exact !== undefined) return v.exact === value;
    if (v.prefix !== undefined) return value.startsWith(v.prefix);
    if (v.regex !== undefined) {
      try {
        return new RegExp(`^(?:${v.regex})$`).test(value);
      } catch {
        return false;
      }
    }
    return false;
  });
}

/**
 * CR323: canary test traffic (a Job of `CanaryTestTraffic`) reaches only the canary: its header route is added by an
 * earlier step and stays while the test runs, it matches the header the Job sends, the Rollout's VirtualServices
 * serve mesh traffic (the Job's sidecar applies them), and the Job's pod has a sidecar. One problem is reported once
 * per Rollout, at the earliest analysis it concerns, naming every test metric it affects (a missing route, a route of
 * another header, a removal step and gateway-only VirtualServices are each one fix, whatever the number of tests).
 */
function checkTestTraffic(ctx: Context, ro: Obj, canary: any): void {
  const steps = arr(canary.steps);
  const problems = new Map<string, { run: Run; jobs: TestJob[]; message: string; fix: string }>();
  const fail = (key: string, run: Run, job: TestJob, message: string, fix: string) => {
    const known = problems.get(key);
    if (!known) problems.set(key, { run, jobs: [job], message, fix });
    else if (!known.jobs.includes(job)) known.jobs.push(job);
  };
  const vss = virtualServicesOf(ctx, ro, canary);
  // the earliest analysis first, so that a fix "before step <n>" covers the later ones too
  const runs = runsOf(canary).sort((a, b) => a.start - b.start);
  for (const run of runs) {
    for (const job of testJobsOf(ctx, ro, run)) {
      const match = routesBefore(steps, run.start).get(job.route);
      if (match === undefined) {
        fail(`route ${job.route}`, run, job, `sends canary test traffic through header route ${show(job.route)}, but no step before step ${run.start} adds that route`,
          `add CanaryTestTraffic.headerRoute() (setHeaderRoute ${show(job.route)}) as a step before step ${run.start}`);
      } else if (!routeMatches(match, job.header, job.value)) {
        fail(`header ${job.route} ${job.header}: ${job.value}`, run, job,
          `sends the header ${show(`${job.header}: ${job.value}`)}, which header route ${show(job.route)} does not match`,
          'use the header route and the tests of the same CanaryTestTraffic');
      }
      if (run.background) {
        const removes = (s: any) => s?.setHeaderRoute?.name === job.route && arr(s.setHeaderRoute.match).length === 0;
        const removal = steps.findIndex((s: any, i: number) => i >= run.start && removes(s));
        if (removal >= 0) {
          fail(`removal ${removal}`, run, job, `runs in the background analysis, but step ${removal} removes header route ${show(job.route)} while it may still run`,
            `remove the step that removes ${show(job.route)} (Argo Rollouts removes managed routes at the end of the release)`);
        }
      }
      const labels = job.pod?.metadata?.labels ?? {};
      if (labels['sidecar.istio.io/inject'] === 'false') {
        // each Job's own pod: one problem per test metric
        fail(`sidecar ${job.template.label} ${job.metric}`, run, job,
          'runs without an Istio sidecar (sidecar.istio.io/inject: "false"): without one, no VirtualService route applies to its requests',
          'let the sidecar be injected into the test Job\'s pod');
      }
      if (vss.length > 0 && !vss.some(servesMesh)) {
        fail('gateways only', run, job, `relies on the Rollout's VirtualServices (${vss.map(v => v.label).join(', ')}), which are bound to gateways only: `
          + 'header routes there do not apply to calls from inside the mesh',
        'bind the VirtualService to "mesh" as well (CanaryService mesh: true), or send the test traffic through the gateway');
      }
    }
  }
  for (const { run, jobs, message, fix } of problems.values()) {
    const [first, ...others] = jobs.map(j => `metric ${show(j.metric)} of ${j.template.label}`);
    const also = others.length > 0 ? ` (and so ${others.length === 1 ? 'does' : 'do'} ${others.join(', ')})` : '';
    ctx.report('CR323', ro, run.path, `${first} ${message}${also}, so ${others.length > 0 ? 'their' : 'its'} requests reach the stable pods as well`, fix);
  }
}

/** The Rollout's VirtualServices that are in the set. */
function virtualServicesOf(ctx: Context, ro: Obj, canary: any): Obj[] {
  const istio = canary.trafficRouting?.istio;
  const refs = [...(istio?.virtualService ? [istio.virtualService] : []), ...arr(istio?.virtualServices)];
  return refs
    .map((r: any) => ctx.find('VirtualService', ro.namespace, String(r?.name ?? '')))
    .filter((vs): vs is Obj => vs !== undefined);
}

/** A VirtualService without gateways, or with "mesh" among them, applies to the sidecars' outbound calls. */
function servesMesh(vs: Obj): boolean {
  const gateways = arr(vs.raw.spec?.gateways);
  return gateways.length === 0 || gateways.includes('mesh');
}
