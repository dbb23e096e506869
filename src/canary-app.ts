import { ApiObject, App, AppProps, Chart, Names } from 'cdk8s';
import { ArgoRollout } from './argo-rollout';
import { RolloutPlan } from './plan/rollout-plan';
import { chartWarnings } from './private/synth/app-rules';
import { SynthContext } from './private/synth/context';
import { chartObjects, dependencyOrder } from './private/synth/dependency-order';
import { libraryVersion } from './private/synth/library-version';
import { writeOutputFolder } from './private/synth/output-folder';
import { addManifests, checkLayout, OutputFiles, OutputLayout, RenderedChart } from './private/synth/output-layout';
import { CanaryRules } from './rules/canary-rules';

/** Props of `CanaryApp`. */
export interface CanaryAppProps extends AppProps {
  /**
   * Write a rollout plan (`<chart>.plan.md`: timeline, duration, exposure of a bad canary) next to the
   * manifests of every chart that holds a canary Rollout.
   * @default true
   */
  readonly plans?: boolean;
}

/**
 * A cdk8s `App` for an output folder that is shared with the user: a GitOps repository folder, or its root.
 *
 * What `synth()` guarantees:
 * - **It changes only what it wrote.** `synth()` records the files it writes, with their sha256, in
 *   `cdk8s-canary.owned.txt` in the output folder (commit it with the manifests). The next synth rewrites those
 *   files and removes the ones it no longer produces (a removed chart or service), and never changes, replaces or
 *   deletes anything else in the folder: `.git/`, a README, a `kustomization.yaml`, another team's folder. It
 *   refuses to overwrite a file it has no record of writing (unless the file already has the content it would
 *   write), and warns when it overwrites or removes a file edited since the last synth.
 * - **All or nothing.** It validates the whole app and renders every file in memory first, then stages the
 *   files inside the output folder and renames them into place, putting everything back on an error: a failed
 *   synth (a validation error, a conflict, an I/O error part-way) leaves the folder byte-identical.
 * - A symlinked output folder is written through (the link stays a link); new folders get the umask's mode;
 *   `CDK8S_OUTDIR=.` works.
 * - It validates the app once, instead of once per chart as `App.synth()` does, and writes a rollout plan
 *   (`<chart>.plan.md`) per chart that holds a canary Rollout.
 *
 * Every `App` prop is honoured. Output names follow `App.synth()` for each `yamlOutputType` (one
 * `<chart>.k8s.yaml` per chart by default), except that charts that depend on each other are not given
 * cdk8s's numeric prefixes; two outputs with the same name are an error.
 *
 * Run the program with `node` (or `npx ts-node`) and `CDK8S_OUTDIR`, not with the `cdk8s synth` CLI, for a
 * folder that holds anything else: `cdk8s synth` deletes its output folder before it runs the app (see
 * docs/gitops-layout.md, "The output folder").
 */
export class CanaryApp extends App {
  /** Whether rollout plans are written next to the manifests. */
  public readonly plans: boolean;
  private readonly layout: OutputLayout;
  private _warnings: string[] = [];

  constructor(props: CanaryAppProps = {}) {
    super(props);
    this.plans = props.plans ?? true;
    this.layout = {
      yamlOutputType: this.yamlOutputType,
      outputFileExtension: this.outputFileExtension,
      constructMetadata: props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true', // as App does
    };
    checkLayout(this.layout);
  }

  /**
   * The warnings of the last render or synth: rule warnings (see docs/rules.md), rollout plan warnings (see
   * docs/plan.md) and, after a synth, what it did to files edited by hand. They never fail synth.
   */
  public get warnings(): string[] {
    return [...this._warnings];
  }

  /**
   * Validates and renders every chart, then updates the files it owns in `outdir`.
   *
   * It creates or rewrites its files, removes those it wrote before and no longer produces, and updates its
   * record (`cdk8s-canary.owned.txt`), leaving every other file in the folder as it is. Throws, changing nothing,
   * when the app is invalid, a file it must write belongs to someone else, or an I/O error occurs. Warnings are
   * printed to stderr.
   */
  public synth(): void {
    const files = this.renderFiles();
    const written = writeOutputFolder(this.outdir, files, { libraryVersion: libraryVersion() });
    this._warnings.push(...written.warnings);
    for (const w of this._warnings) {
      // eslint-disable-next-line no-console
      console.warn(w);
    }
  }

  /**
   * Validates the app and renders the output files in memory (path in the output folder → content).
   *
   * The files are the manifests, the rollout plans and, with `recordConstructMetadata`,
   * `construct-metadata.json` (not the ownership record, which `synth()` adds). Throws, listing every validation
   * error, when the app is invalid.
   */
  public renderFiles(): { [fileName: string]: string } {
    return SynthContext.run(this, ctx => {
      validateApp(this, ctx);
      const charts = dependencyOrder(this).filter((x): x is Chart => x instanceof Chart) // = this.charts, in linear time
        .map(chart => renderChart(chart, ctx));
      const out = new OutputFiles(this.layout);
      addManifests(out, charts, this.layout);
      const warnings: string[] = [];
      const support = this.plans ? planSupport(this, ctx) : undefined;
      for (const c of charts) {
        warnings.push(...chartWarnings(c.chart).map(f => `[${c.chart.node.path}] ${CanaryRules.format(f)}`));
        if (support) warnings.push(...addPlans(out, c, support, ctx));
      }
      this._warnings = warnings;
      return out.toObject();
    });
  }
}

/** Validates every construct of the app once, and throws listing every error with its construct path. */
function validateApp(app: App, ctx: SynthContext): void {
  const errors: string[] = [];
  for (const c of ctx.findAll(app)) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/** A chart's objects in file order, with the JSON the rules checked. */
function renderChart(chart: Chart, ctx: SynthContext): RenderedChart {
  const objects = chartObjects(chart);
  return { chart, name: Names.toDnsLabel(chart), objects, manifests: objects.map(o => ctx.toJson(o)) };
}

/**
 * Adds the rollout plan of a chart that holds canary Rollouts (`<chart>.plan.md`); returns the plans' warnings.
 * `support`: the analysis templates and autoscalers of the whole app, which may be in other charts.
 */
function addPlans(out: OutputFiles, c: RenderedChart, support: any[], ctx: SynthContext): string[] {
  const plans = plansOf(c.chart, c.manifests, support, ctx);
  if (plans.length === 0) return [];
  out.add(`${c.name}.plan.md`, RolloutPlan.renderMarkdown(plans, `Rollout plan: ${c.name}`), `the rollout plan of chart "${c.chart.node.path}"`);
  return plans.flatMap(p => p.warnings.map(w => `[${c.chart.node.path}] warning [${w.code}] Rollout ${p.rolloutName}: ${w.message}`));
}

/** What a plan reads besides the Rollout, from every chart of the app: the analysis templates and the autoscalers. */
function planSupport(app: App, ctx: SynthContext): any[] {
  return ctx.findAll(app).filter((c): c is ApiObject => ApiObject.isApiObject(c) && PLAN_SUPPORT_KINDS.includes(c.kind)).map(o => ctx.toJson(o));
}

/** The kinds a rollout plan reads besides the Rollout (src/plan/_manifests.ts). */
const PLAN_SUPPORT_KINDS = ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'HorizontalPodAutoscaler'];

/**
 * The plans of the canary Rollouts of a chart, with the request rates their constructs declare. A Rollout's analysis
 * templates and autoscaler may be in other charts (`support`: those of the whole app).
 */
function plansOf(chart: Chart, manifests: any[], support: any[], ctx: SynthContext): RolloutPlan[] {
  // a chart without a Rollout (such as a chart of Argo CD Applications) has no plan
  if (!manifests.some(m => m?.kind === 'Rollout')) return [];
  const rates = new Map<string, number>();
  for (const c of ctx.findAll(chart)) {
    if (c instanceof ArgoRollout && c.expectedRequestsPerSecond !== undefined) rates.set(c.rolloutName, c.expectedRequestsPerSecond);
  }
  const own = new Set(manifests);
  const context = [...manifests, ...support.filter(m => !own.has(m))];
  return RolloutPlan.allFromManifests(manifests).map(p => RolloutPlan.fromManifests(context, p.rolloutName,
    rates.has(p.rolloutName) ? { requestsPerSecond: rates.get(p.rolloutName) } : {}));
}
