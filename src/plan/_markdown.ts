// Internal Markdown rendering of the rollout plan. Deterministic: the same model gives the same text.
import { GateKind, MAnalysis, MConfig, MExposure, MMetric, MPlan, MTrafficEdit, Outcome } from './_model';
import { formatCount, formatNumber, formatSeconds } from '../private/format';

const GATE_TEXT: { [k in GateKind]: string } = {
  'none': '–',
  'timed-pause': 'timed pause',
  'manual-pause': 'manual pause',
  'analysis': 'analysis',
  'experiment': 'experiment',
};

const OUTCOME_TEXT: { [k in Outcome]: string } = {
  'aborts': 'aborts a bad canary',
  'completes-first': 'count runs out first (passes)',
  'promoted-first': 'release reaches 100% first',
  'cannot-fail': 'cannot fail',
};

/** Upper bound on the number of points of the weight chart. */
const MAX_CHART_POINTS = 120;
/** Lower bound on the number of points of the weight chart. */
const MIN_CHART_POINTS = 48;
const NICE_STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

/** The constant end of every plan: the assumptions and the pointer to the documentation (lines joined once). */
const ASSUMPTIONS = [
  '- Times are minimums: pod start-up, readiness and mesh propagation are left out, so a step that only sets a weight or a scale takes 0s.',
  '- A manual pause lasts until someone promotes the release; times after it read "+ manual".',
  '- A bad canary fails every measurement taken once it receives traffic, and the query isolates the canary\'s traffic. '
    + '"Full window" rows show the later abort of a query that fails only when its whole range window holds bad canary traffic.',
  '- At the moment a step starts, its (higher) weight counts: the worst case of a measurement and a step change racing.',
  '- Exposure counts from the first canary traffic; canary requests = request rate × ∫ weight(t)/100 dt until the abort.',
  '- Replica counts assume `spec.replicas` (or the minimum of the autoscaler that owns them); an autoscaler changes them.',
  '',
  'Every number and warning is explained in the cdk8s-canary documentation, `docs/plan.md`.',
].join('\n');

/** Renders one plan; `level` is the heading level of its title. The sections append their lines to one array. */
export function renderPlan(plan: MPlan, title: string, level = 1): string {
  const h = (k: number) => '#'.repeat(Math.min(level + k, 6));
  const out: string[] = [`${h(0)} ${title}`, '', intro(plan), ''];
  summary(plan, out);
  out.push('', `${h(1)} Canary traffic weight over time`, '', chart(plan), '', `${h(1)} Steps`, '');
  stepsTable(plan, out);
  if (plan.configs.length > 0) {
    out.push('', `${h(1)} Configuration`, '');
    configTable(plan.configs, out);
  }
  if (plan.migration) {
    out.push('', `${h(1)} Migration`, '');
    migrationSection(plan, out);
  }
  out.push('', `${h(1)} Analysis`, '');
  if (plan.analyses.length === 0) {
    out.push('No analysis: nothing stops a bad canary automatically; only the people watching the release can abort it.', '');
  }
  for (const a of plan.analyses) {
    analysisSection(plan, a, h(2), out);
    out.push('');
  }

  if (plan.trafficEdit) {
    out.push(`${h(1)} Route changes during this canary`, '');
    trafficEditSection(plan, plan.trafficEdit, out);
    out.push('');
  }

  rollbackSection(plan, h(1), out);
  out.push(`${h(1)} Warnings`, '');
  if (plan.warnings.length === 0) {
    out.push('None.', '');
  } else {
    out.push('| code | step | warning |', '|---|---:|---|');
    for (const w of plan.warnings) out.push(`| ${w.code} | ${w.stepIndex ?? '–'} | ${cell(w.message)} |`);
    out.push('');
  }

  out.push(`${h(1)} Assumptions`, '', ASSUMPTIONS, '');
  return joinLines(out);
}

/**
 * Appends the rollback section: what going back to an earlier version does, with and without the rollback window
 * (argo-rollouts rollout/canary.go syncRolloutStatusCanary "SkipSteps", rollout/sync.go isRollbackWithinWindow and
 * shouldFullPromote, rollout/analysis.go reconcileAnalysisRuns).
 */
function rollbackSection(plan: MPlan, heading: string, out: string[]): void {
  const r = plan.rollback;
  const full = Number.isFinite(plan.minimumTime) ? `at least ${formatSeconds(plan.minimumTime)}` : 'with its manual promotions';
  out.push(`${heading} Rollback`, '',
    '| going back to | how | steps and analysis | traffic |',
    '|---|---|---|---|',
    '| the stable version, during a release | abort the release, or revert it in git | skipped | back to stable at once |');
  if (r.fastRevisions > 0) {
    const which = r.fastRevisions === 1 ? 'the previous revision' : `one of the last ${r.fastRevisions} revisions`;
    out.push(`| ${which}, after a promotion | revert in git (\`rollbackWindow\`) | skipped: no steps, no pauses, no analysis | 100% once its pods are available |`,
      `| an older revision | revert in git | the whole release above (${full}) | step by step |`, '');
    out.push(`A fast rollback goes back to a ReplicaSet that still exists: the controller keeps the ${r.revisionHistoryLimit} newest old ReplicaSets `
      + `(\`revisionHistoryLimit\`)${r.windowRevisions! > r.revisionHistoryLimit ? `, fewer than \`rollbackWindow\` (${r.windowRevisions}), so the window is ${r.fastRevisions}` : ''}. `
      + 'Its pods start again unless it is still within its scale-down delay. '
      + 'Argo Rollouts before v1.7.2 still started the background analysis on such a rollback (argo-rollouts#3669, fixed by #3670): '
      + 'with an older controller a failing analysis can abort the rollback.', '');
  } else {
    out.push(`| an earlier revision, after a promotion | revert in git | the whole release above (${full}) | step by step |`, '',
      r.windowRevisions === undefined
        ? 'No `rollbackWindow`: going back to a version that was already promoted is a new release. Set `rollbackWindow` for a fast path.'
        : `\`rollbackWindow\` is ${r.windowRevisions}, but \`revisionHistoryLimit\` is 0: no old ReplicaSet is kept, so every rollback is a new release.`, '');
  }
  out.push('The emergency path (abort, revert, Argo CD actions) is in the cdk8s-canary documentation, `docs/rollback.md`.', '');
}

/** The lines as one text: no run of more than one blank line, no trailing whitespace, one final newline. */
export function joinLines(lines: string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function intro(plan: MPlan): string {
  const where = plan.namespace ? ` in namespace \`${plan.namespace}\`` : '';
  const routing = plan.trafficRouting ? `traffic routed by ${plan.trafficRouting}` : 'no traffic routing (weights approximated by pods)';
  const dss = plan.dynamicStableScale ? ', dynamicStableScale (stable scales down as the canary weight rises)' : '';
  const rps = plan.requestsPerSecond === undefined
    ? 'No request rate declared, so canary request counts are not estimated.'
    : `Declared request rate: ${formatNumber(plan.requestsPerSecond, 2)} requests/s.`;
  const pods = plan.autoscaled
    ? `${plan.replicas} replica${plan.replicas === 1 ? '' : 's'} (the autoscaler's minimum; pod counts below assume it)`
    : `${plan.replicas} replica${plan.replicas === 1 ? '' : 's'}`;
  return `Canary release of Rollout \`${plan.rolloutName}\`${where}: ${pods}, ${routing}${dss}. ${rps}`;
}

function summary(plan: MPlan, rows: string[]): void {
  rows.push('| | |', '|---|---|');
  const min = Number.isFinite(plan.minimumTime)
    ? `**${formatSeconds(plan.minimumTime)}**`
    : `**unbounded**: ${plan.manualPauses === 0 ? 'an analysis step never ends'
      : `waits for ${plan.manualPauses === 1 ? 'a manual promotion' : `${plan.manualPauses} manual promotions`}`}`
      + ` (${formatSeconds(plan.minimumTimeExcludingUnbounded)} of timed steps)`;
  rows.push(`| Minimum time to 100% | ${min} |`);
  let timed = 0;
  let manual = 0;
  let analysis = 0;
  for (const s of plan.steps) {
    if (s.gate === 'timed-pause') timed++;
    else if (s.gate === 'manual-pause') manual++;
    else if (s.gate === 'analysis') analysis++;
  }
  rows.push(`| Steps | ${plan.steps.length} (${timed} timed pause(s), ${manual} manual pause(s), ${analysis} analysis step(s)) |`);
  const bg = plan.analyses.find(a => a.kind === 'background');
  rows.push(`| Background analysis | ${bg ? `from step ${bg.stepIndex}: ${codeList(bg.templates)}` : 'none'} |`);
  let worst: { a: MAnalysis; e: MExposure } | undefined;
  for (const a of plan.analyses) {
    if (a.worst && (!worst || a.worst.sinceFirstTraffic > worst.e.sinceFirstTraffic)) worst = { a, e: a.worst };
  }
  if (worst) {
    const e = worst.e;
    const req = e.canaryRequests === undefined ? '' : `, ~${formatCount(e.canaryRequests)} canary requests`;
    rows.push(`| Worst-case exposure before an abort | ${formatSeconds(e.sinceFirstTraffic)} after the first canary traffic, at ${pct(e.weightAtAbort)}`
      + `${e.averageWeight === undefined ? '' : ` (average ${pct(e.averageWeight)})`}${req}; ${analysisName(worst.a)}, metric \`${worst.a.worstMetric}\` |`);
  } else {
    rows.push('| Worst-case exposure before an abort | no analysis can abort this release |');
  }
  const codes = plan.warnings.length === 0 ? [] : [...new Set(plan.warnings.map(w => w.code))].sort();
  rows.push(`| Warnings | ${plan.warnings.length}${codes.length ? ` (${codes.join(', ')})` : ''} |`);
}

function analysisName(a: MAnalysis): string {
  return a.kind === 'background' ? 'background analysis' : `analysis of step ${a.stepIndex}`;
}

/** Seconds drawn for each step in the chart: its time, or a nominal width for an unbounded step. */
function drawnWidths(plan: MPlan): { widths: number[]; manualWidth: number } {
  const finite = plan.steps.map(s => s.seconds).filter(s => Number.isFinite(s));
  const manualWidth = Math.max(60, ...finite);
  return { widths: plan.steps.map(s => (Number.isFinite(s.seconds) ? s.seconds : manualWidth)), manualWidth };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The weight chart and its caption, as one text. */
function chart(plan: MPlan): string {
  const { widths, manualWidth } = drawnWidths(plan);
  const end = widths.reduce((x, y) => x + y, 0);
  // sample at a divisor of every step length, so that each change of weight falls on a point
  let grid = widths.map(w => Math.round(w)).filter(w => w > 0).reduce(gcd, 0) || 60;
  if (end / grid > MAX_CHART_POINTS) grid = NICE_STEPS.find(s => end / s <= MAX_CHART_POINTS) ?? Math.ceil(end / MAX_CHART_POINTS);
  const tail = grid * Math.max(1, Math.ceil((0.1 * end) / grid));
  const total = end + tail;
  // at least MIN_CHART_POINTS points, so that a change of weight looks like a step and not a slope
  const needed = Math.max(1, Math.ceil((MIN_CHART_POINTS * grid) / total));
  let parts = needed;
  while (parts < needed * 2 && grid % parts !== 0) parts++; // prefer a whole number of seconds per point
  const step = grid / (grid % parts === 0 ? parts : needed);
  const points = Math.round(total / step);
  // the weight at each point: the first step that has not ended yet, else 100. The points go forward in time, so the
  // search resumes at the step found for the previous point (`acc` sums the widths in the same order as a fresh search).
  const values: number[] = [];
  let i = 0;
  let acc = 0;
  for (let k = 0; k <= points; k++) {
    const t = k * step;
    while (i < plan.steps.length && !(t < acc + widths[i] - 1e-9)) acc += widths[i++];
    values.push(i < plan.steps.length ? plan.steps[i].weight : 100);
  }
  const hasManual = plan.steps.some(s => !Number.isFinite(s.seconds));
  const xTitle = `minutes since the update started${hasManual ? ` (each manual pause drawn ${formatSeconds(manualWidth)} wide)` : ''}`;
  const lines = [
    '```mermaid',
    'xychart-beta',
    '  title "Canary traffic weight (%)"',
    `  x-axis "${xTitle}" 0 --> ${formatNumber(total / 60, 2)}`,
    '  y-axis "weight (%)" 0 --> 100',
    `  line [${values.join(', ')}]`,
    '```',
    '',
    `One point every ${formatSeconds(step)}: the line steps up where a step sets a higher weight and stays flat through pauses and `
      + `analysis steps. It reaches 100% at ${Number.isFinite(plan.minimumTime) ? formatSeconds(plan.minimumTime) : 'the end of the steps'} `
      + '(full promotion).'
      + (hasManual ? ` A manual pause really lasts until someone promotes the release; it is drawn ${formatSeconds(manualWidth)} wide.` : ''),
  ];
  return lines.join('\n');
}

function timeAt(seconds: number, afterUnbounded: boolean): string {
  return afterUnbounded ? `${formatSeconds(seconds)} + manual` : formatSeconds(seconds);
}

/** Appends the steps table. */
function stepsTable(plan: MPlan, rows: string[]): void {
  rows.push(
    '| step | action | weight | canary pods | stable pods | gate | min. time | ends at | background analysis |',
    '|---:|---|---:|---:|---:|---|---:|---:|---|',
  );
  for (const s of plan.steps) {
    const own = Number.isFinite(s.seconds) ? formatSeconds(s.seconds) : s.gate === 'manual-pause' ? 'until promoted' : 'unbounded';
    const endsUnbounded = s.afterUnbounded || !Number.isFinite(s.seconds);
    rows.push(`| ${s.index} | ${cell(s.action)} | ${s.weight}% | ${s.canaryReplicas} | ${s.stableReplicas} | ${GATE_TEXT[s.gate]} | ${own} | `
      + `${timeAt(s.end, endsUnbounded)} | ${s.backgroundAnalysisRunning ? 'running' : ''} |`);
  }
  const endUnbounded = !Number.isFinite(plan.minimumTime);
  const stable = plan.scaleDownDelaySeconds === undefined ? '0' : `0 (old pods removed ${formatSeconds(plan.scaleDownDelaySeconds)} later)`;
  rows.push(`| end | full promotion | 100% | ${plan.replicas} | ${stable} | – | – | ${timeAt(plan.minimumTimeExcludingUnbounded, endUnbounded)} | |`);
}

/**
 * What a route edit applied from git mid-canary does at each step (computed on the Argo CD sync and Argo Rollouts
 * controller model), and how to avoid it.
 */
function trafficEditSection(plan: MPlan, edit: MTrafficEdit, out: string[]): void {
  const services = codeList(edit.virtualServices);
  out.push(`A change to the routes of ${services} (a timeout, retries, a match, a new route) that Argo CD applies while this canary `
    + 'runs writes git\'s route lists (`spec.http`, `spec.tls`, `spec.tcp`) whole, because Istio\'s lists have no merge keys: the weights go '
    + 'back to those in git until the Argo Rollouts controller sets them again (at once), and header and mirror routes disappear; the '
    + 'controller adds one back only while its step is the current one.', '');
  if (!edit.steps) {
    out.push(`Not computed for this Rollout: ${edit.reason}.`);
    return;
  }
  const affected = edit.steps.filter(s => s.weightsFlapped || s.managedRoutesLost.length > 0 || s.managedRoutesFlapped.length > 0);
  if (affected.length === 0) {
    out.push('At no step does such a change affect this canary.');
  } else {
    out.push('| step | action | weights | header and mirror routes |', '|---:|---|---|---|');
    for (const s of edit.steps) {
      const routes = [
        ...(s.managedRoutesLost.length ? [`${codeList(s.managedRoutesLost)} lost for the rest of this canary`] : []),
        ...(s.managedRoutesFlapped.length ? [`${codeList(s.managedRoutesFlapped)} removed, added back at once`] : []),
      ];
      const action = plan.steps[s.index]?.action ?? '';
      out.push(`| ${s.index} | ${cell(action)} | ${s.weightsFlapped ? 'reset to git\'s, set back at once' : 'unchanged'} | ${routes.join('; ') || '–'} |`);
    }
  }
  out.push('', 'To avoid it, merge route changes while no canary runs (the Rollout is Healthy in Argo CD, not Progressing or Suspended). '
    + 'The next release starts on the new routes. See `docs/argocd.md`.');
}

/** Appends the section of one analysis, without a blank line at its end. */
function analysisSection(plan: MPlan, a: MAnalysis, heading: string, out: string[]): void {
  out.push(`${heading} ${a.kind === 'background' ? `Background analysis (from step ${a.stepIndex})` : `Analysis step ${a.stepIndex}`}`, '');
  const templates = a.templates.length ? codeList(a.templates) : 'none';
  const starts = a.kind === 'background'
    ? `Runs alongside the steps from ${timeAt(a.start, a.afterUnbounded)} until full promotion (terminated as successful then).`
    : `Starts at ${timeAt(a.start, a.afterUnbounded)} and holds the release at ${plan.steps[a.stepIndex].weight}% until every metric completes.`;
  out.push(`Templates: ${templates}. ${starts}`, '');
  if (a.metrics.length === 0) {
    out.push('No metrics found for this analysis.');
    return;
  }
  out.push('| metric | template | first measurement | interval | count | failureLimit | query window | completes after | outcome |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const m of a.metrics) {
    out.push(`| \`${m.name}\`${m.dryRun ? ' (dry run)' : ''} | \`${m.template}\` | ${formatSeconds(m.initialDelay)} | `
      + `${m.interval === undefined ? '–' : formatSeconds(m.interval)} | ${Number.isFinite(m.count) ? m.count : 'until promotion'} | `
      + `${m.failureLimit} | ${m.queryWindow === undefined ? '–' : formatSeconds(m.queryWindow)} | `
      + `${Number.isFinite(m.completesAfter) ? formatSeconds(m.completesAfter) : 'never'} | ${OUTCOME_TEXT[m.outcome]} |`);
  }
  out.push('');
  let exposureHeader = false;
  for (const m of a.metrics) {
    const full = m.failingFullWindow && m.queryWindow !== undefined;
    if (!m.failing && !full) continue;
    if (!exposureHeader) {
      exposureHeader = true;
      out.push('Time to abort a bad canary and its exposure until then (times from the start of this analysis run and from the first canary traffic):', '',
        '| metric | bad canary | abort after | after first canary traffic | weight at abort | average weight | canary requests |',
        '|---|---|---:|---:|---:|---:|---:|');
    }
    if (m.failing) out.push(exposureRow(plan, m, 'fails every measurement', m.failing));
    if (full) out.push(exposureRow(plan, m, `fails once the ${formatSeconds(m.queryWindow!)} window is full`, m.failingFullWindow!));
  }
  if (exposureHeader) out.push('');
  for (const m of a.metrics) {
    const bullet = `- \`${m.name}\`: `;
    for (const note of m.notes) out.push(bullet + note);
    if (m.errorsAfter !== undefined) {
      out.push(`${bullet}if every measurement errors, the run errors and aborts ${formatSeconds(m.errorsAfter)} after it starts `
        + `(consecutiveErrorLimit ${m.consecutiveErrorLimit}, a retry every 10s)`);
    }
    if (m.inconclusiveAfter !== undefined) {
      out.push(`${bullet}if measurements are inconclusive, the release pauses (it does not abort) ${formatSeconds(m.inconclusiveAfter)} `
        + `after the run starts (inconclusiveLimit ${m.inconclusiveLimit})`);
    }
  }
  // the caller separates the sections with a blank line
  if (out[out.length - 1] === '') out.pop();
}

function exposureRow(plan: MPlan, m: MMetric, label: string, e: MExposure): string {
  const since = Number.isFinite(e.sinceFirstTraffic) ? formatSeconds(e.sinceFirstTraffic) : 'unbounded (manual pause)';
  const avg = e.averageWeight === undefined ? '–' : pct(e.averageWeight);
  const req = e.canaryRequests === undefined ? (plan.requestsPerSecond === undefined ? 'no rate declared' : '–') : formatCount(e.canaryRequests);
  return `| \`${m.name}\` | ${label} | ${formatSeconds(e.abortAfter)} | ${since} | ${e.weightAtAbort}% | ${avg} | ${req} |`;
}

/** "`a`, `b`": the items as code, comma-separated. */
/** Which ConfigMaps and Secrets a new revision covers. */
function configTable(configs: MConfig[], rows: string[]): void {
  rows.push('What the pods read, and whether a change of it is a new revision (a canary that can be aborted):', '');
  rows.push('| object | covered by the revision |', '|---|---|');
  for (const c of configs) {
    const covered = c.coverage === 'content-hash' ? 'yes: content-hashed name'
      : c.coverage === 'version' ? `yes: version \`${c.version}\` in the pod template`
        : `**no** (${c.kind === 'ConfigMap' ? 'PLAN023' : 'PLAN024'}${c.inManifests ? '' : ', not in the manifests'})`;
    rows.push(`| ${c.kind} \`${cell(c.name)}\` | ${covered} |`);
  }
}

/** The capacity while the Rollout takes over from the Deployment it migrates from. */
function migrationSection(plan: MPlan, rows: string[]): void {
  const m = plan.migration!;
  const d = `Deployment \`${m.deployment}\``;
  if (m.drained) {
    rows.push(`The Rollout takes its pod template from ${d}, which is drained (0 replicas in the manifests): the migration is finished.`);
    return;
  }
  const how = m.scaleDown === 'progressively' ? `as Rollout pods become ready, the controller sets it to ${plan.replicas} − ready Rollout pods, then 0`
    : m.scaleDown === 'onsuccess' ? 'the controller scales it to 0 once the Rollout is healthy'
      : 'nothing scales it down until it is written with 0 replicas (`drained: true`)';
  rows.push(`The Rollout takes its pod template from ${d} (scaleDown \`${m.scaleDown}\`): ${how}.`, '');
  rows.push('| phase | Deployment pods | Rollout pods | pods in all |', '|---|---:|---:|---:|');
  rows.push(`| before | ${m.deploymentReplicas} | 0 | ${m.deploymentReplicas} |`);
  rows.push(`| migration (double capacity) | ${m.peakPods - plan.replicas} → ${m.scaleDown === 'never' ? m.deploymentReplicas : 0} | ${plan.replicas} | up to ${m.peakPods} |`);
  rows.push(`| drained | 0 | ${plan.replicas} | ${plan.replicas} |`);
}

function codeList(items: string[]): string {
  return items.map(item => `\`${item}\``).join(', ');
}

/** "12.5%" */
function pct(value: number): string {
  return `${formatNumber(value)}%`;
}

function cell(text: string): string {
  // fast path: most texts have nothing to escape
  if (!text.includes('|') && !text.includes('\n')) return text;
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
