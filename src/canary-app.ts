import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart, DependencyGraph, Names, Yaml } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Props of `CanaryApp`. */
export interface CanaryAppProps extends AppProps {}

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
  constructor(props: CanaryAppProps = {}) {
    super(props);
  }

  /**
   * Validates and renders every chart, then writes them to `outdir`, replacing its previous content.
   */
  public synth(): void {
    writeFolderAtomically(this.outdir, this.renderFiles());
  }

  /**
   * Validates the app and renders the output files in memory (file name → content). Throws, listing every
   * validation error, when the app is invalid.
   */
  public renderFiles(): { [fileName: string]: string } {
    const errors: string[] = [];
    for (const c of this.node.findAll()) {
      for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
    }
    if (errors.length > 0) {
      throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    }
    const files: { [fileName: string]: string } = {};
    for (const chart of this.charts) {
      const name = `${Names.toDnsLabel(chart)}${this.outputFileExtension}`;
      if (files[name] !== undefined) {
        throw new Error(`two charts render to the same file "${name}": give the charts distinct ids`);
      }
      files[name] = Yaml.stringify(...chartObjects(chart).map(o => o.toJson()));
    }
    return files;
  }
}

/** The ApiObjects of a chart, in dependency order (as cdk8s orders them). @internal */
export function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
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
    fs.renameSync(staging, outdir);
    if (exists) fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
