import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';
import { chartWarnings } from './_chart-rules';
import { inSweep, sweepDnsLabel, sweepFindAll, sweepJson } from './_sweep';
import { dependencyOrder } from './_topology';
import { ArgoRollout } from './argo-rollout';
import { RolloutPlan } from './rollout-plan';
import { CanaryRules } from './rules/engine';

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
 * A cdk8s `App` whose `synth()` is all-or-nothing: it validates the whole app and renders every chart in
 * memory first, and only then replaces the output folder. A failed synth (any validation error) writes
 * nothing and leaves the previous output byte-identical, so a GitOps pipeline never commits a half
 * written `dist/`.
 *
 * It also validates the app once, instead of once per chart as `App.synth()` does.
 *
 * Note: `cdk8s synth` (the CLI) deletes its output folder before it runs the app; run the compiled app with
 * `node` (as the README's synth command does) to keep the previous output on failure.
 *
 * Output names follow cdk8s: one `<chart>.k8s.yaml` per chart (charts that depend on each other are not
 * given cdk8s's numeric prefixes).
 */
export class CanaryApp extends App {
  /** Whether rollout plans are written next to the manifests. */
  public readonly plans: boolean;
  private _warnings: string[] = [];

  constructor(props: CanaryAppProps = {}) {
    super(props);
    this.plans = props.plans ?? true;
  }

  /**
   * The warnings of the last render: rule warnings (see docs/rules.md) and rollout plan warnings (see
   * docs/plan.md). They never fail synth.
   */
  public get warnings(): string[] {
    return [...this._warnings];
  }

  /**
   * Validates and renders every chart, then writes them to `outdir`, replacing its previous content.
   * Warnings are printed to stderr.
   */
  public synth(): void {
    const files = this.renderFiles();
    writeFolderAtomically(this.outdir, files);
    for (const w of this._warnings) {
      // eslint-disable-next-line no-console
      console.warn(w);
    }
  }

  /**
   * Validates the app and renders the output files in memory (file name → content). Throws, listing every
   * validation error, when the app is invalid.
   */
  public renderFiles(): { [fileName: string]: string } {
    return inSweep(() => this.renderFilesOnce());
  }

  /** `renderFiles()` inside one sweep: the tree does not change while it runs (see `_sweep.ts`). */
  private renderFilesOnce(): { [fileName: string]: string } {
    const errors: string[] = [];
    for (const c of sweepFindAll(this)) {
      for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
    }
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    const files: { [fileName: string]: string } = {};
    const warnings: string[] = [];
    for (const chart of dependencyOrder(this).filter((x): x is Chart => x instanceof Chart)) { // = this.charts, in linear time
      const base = sweepDnsLabel(chart);
      const name = `${base}${this.outputFileExtension}`;
      if (files[name] !== undefined) {
        throw new Error(`two charts render to the same file "${name}": give the charts distinct ids`);
      }
      const manifests = chartObjects(chart).map(o => sweepJson(o)); // serialized once per render, rules included
      files[name] = Yaml.stringify(...manifests);
      warnings.push(...chartWarnings(chart).map(f => `[${chart.node.path}] ${CanaryRules.format(f)}`));
      if (this.plans) {
        const plans = chartPlans(chart, manifests);
        if (plans.length > 0) {
          files[`${base}.plan.md`] = RolloutPlan.renderMarkdown(plans, `Rollout plan: ${base}`);
          for (const p of plans) {
            warnings.push(...p.warnings.map(w => `[${chart.node.path}] warning [${w.code}] Rollout ${p.rolloutName}: ${w.message}`));
          }
        }
      }
    }
    this._warnings = warnings;
    return files;
  }
}

/** The plans of the canary Rollouts of a chart, with the request rates their constructs declare. */
function chartPlans(chart: Chart, manifests: any[]): RolloutPlan[] {
  // a chart without a Rollout (such as a chart of Argo CD Applications) has no plan
  if (!manifests.some(m => m?.kind === 'Rollout')) return [];
  const rates = new Map<string, number>();
  for (const c of sweepFindAll(chart)) {
    if (c instanceof ArgoRollout && c.expectedRequestsPerSecond !== undefined) rates.set(c.rolloutName, c.expectedRequestsPerSecond);
  }
  return RolloutPlan.allFromManifests(manifests).map(p => rates.has(p.rolloutName)
    ? RolloutPlan.fromManifests(manifests, p.rolloutName, { requestsPerSecond: rates.get(p.rolloutName) })
    : p);
}

/** The ApiObjects of a chart, in dependency order (as cdk8s orders them). @internal */
export function chartObjects(chart: Chart): ApiObject[] {
  return dependencyOrder(chart)
    .filter((x: IConstruct): x is ApiObject => x instanceof ApiObject)
    .filter(x => Chart.of(x) === chart);
}

/**
 * Writes `files` into a staging folder next to `outdir`, then swaps it in with renames. If anything fails
 * before the swap, `outdir` is untouched.
 */
function writeFolderAtomically(outdir: string, files: { [fileName: string]: string }): void {
  const parent = path.dirname(path.resolve(outdir));
  fs.mkdirSync(parent, { recursive: true });
  const base = path.basename(path.resolve(outdir));
  const staging = fs.mkdtempSync(path.join(parent, `.${base}.staging-`));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(staging, name), content);
    }
    const old = `${staging}.old`;
    const exists = fs.existsSync(outdir);
    if (exists) fs.renameSync(outdir, old);
    try {
      fs.renameSync(staging, outdir);
    } catch (e) {
      if (exists) fs.renameSync(old, outdir); // put the previous output back
      throw e;
    }
    if (exists) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
