// What `cdk8s-canary lint` reports: the rules over the objects of the inputs (as a partial set: what is not in the
// files cannot be checked), the rollout plan warnings, each with the file and line of the object it is about.
import * as path from 'path';
import { InputObject } from './_load';
import { computePlan } from '../plan/_compute';
import { canaryRollouts, ManifestIndex } from '../plan/_manifests';
import { isApplicationManifest } from '../private/argocd/json';
import { applicationFiles } from '../private/argocd/source-files';
import { compareCodeUnits as cmp } from '../private/format';
import { checkArgoCdApplication } from '../rules/_argocd';
import { CATALOG } from '../rules/_catalog';
import { objectLabel } from '../rules/_context';
import { runInputs } from '../rules/_run';
import { ManifestInput, ManifestOrigin, RuleFinding, RuleSeverity, RuleSource } from '../rules/finding';

/** The level of a lint finding (SARIF's names). */
export type Level = 'error' | 'warning';

/** One finding of the lint, located. */
export interface LintFinding {
  /** A rule code (`CR103`) or a plan warning code (`PLAN001`). */
  readonly code: string;
  readonly level: Level;
  /** `<kind> <namespace>/<name>`, as the rules name objects. */
  readonly object: string;
  /** The field path in the object ('' for the object as a whole). */
  readonly path: string;
  readonly message: string;
  /** What to change ('' when the message says it, as plan warnings do). */
  readonly fix: string;
  /** Where the reason is documented, relative to the package root. */
  readonly docs: string;
  /** The file and 1-based line of the object's document, when the object is in the inputs. */
  readonly file?: string;
  readonly line?: number;
}

/** The Git repository the inputs are files of, for the Argo CD Applications among them. */
export interface Repository {
  /** Its root folder (absolute). */
  readonly root: string;
  /** The names in a folder of it (relative to the root, '/'-separated, '' for the root), or undefined when it is no folder. */
  readonly listFolder: (folder: string) => string[] | undefined;
}

/** Options of a lint run. */
export interface LintOptions {
  /** The library's own rules (CR3xx errors) are errors for every object, not only for this library's output. */
  readonly strict?: boolean;
  /** Rule or plan codes to leave out. */
  readonly skip?: string[];
  /**
   * The repository of the input files: the objects of the files an Application of the inputs deploys are placed in
   * its destination (cluster and namespace), and its Argo CD rules see those objects only.
   * @default - none: every object of the inputs is one set, in a cluster that is not known
   */
  readonly repository?: Repository;
}

/** The result of a lint run. */
export interface LintResult {
  readonly findings: LintFinding[];
  /**
   * What could not be checked fully, with the reason (reported, not findings): Rollouts whose plan could not be
   * computed, Applications whose files cannot be told.
   */
  readonly notes: string[];
}

/** The rules whose errors encode this library's choices rather than a controller's: warnings for YAML it did not write. */
const LIBRARY_ERRORS = new Set(CATALOG.filter(r => r.source === RuleSource.LIBRARY && r.severity === RuleSeverity.ERROR).map(r => r.code));

/** Plan warnings that repeat a rule finding (PLAN007: a template not in the set, reported as CR335/CR123). */
const PLAN_REPEATS = new Set(['PLAN007']);

/** Lints the objects of the inputs. */
export function lint(objects: InputObject[], options: LintOptions = {}): LintResult {
  const manifests = objects.map(o => o.manifest);
  const where = locate(objects);
  const skip = new Set(options.skip ?? []);
  const ruleSkip = [...skip].filter(code => CATALOG.some(r => r.code === code));
  const placed = placeObjects(objects, options.repository);
  const ruleFindings = [
    ...runInputs(placed.inputs, { partial: true, skip: ruleSkip }),
    ...placed.deployers.flatMap(d => checkArgoCdApplication(d.app.manifest, d.deployed)).filter(f => !skip.has(f.code)),
  ];
  const at = (f: RuleFinding) => (f.origin && placed.objectOf.get(f.origin)) ?? where.get(f.object);
  const findings = ruleFindings.map(f => fromRule(f, at(f), options.strict === true));
  const plans = planFindings(objects, manifests);
  const all = onePerPlace([...findings, ...plans.findings.filter(f => !skip.has(f.code))]);
  const rank = (l: Level) => l === 'error' ? 0 : 1;
  all.sort((a, b) => rank(a.level) - rank(b.level) || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0)
    || cmp(a.code, b.code) || cmp(a.path, b.path) || cmp(a.message, b.message));
  return { findings: all, notes: [...placed.notes, ...plans.notes] };
}

/** Where the rules see the objects of the inputs. */
interface Placement {
  /** The rule inputs: every object but the Applications whose files are known, each with its file as origin. */
  readonly inputs: ManifestInput[];
  /** The object of the inputs behind each origin. */
  readonly objectOf: Map<ManifestOrigin, InputObject>;
  /** The Applications whose files are known, with the manifests of those files (their Argo CD rules see those). */
  readonly deployers: Array<{ readonly app: InputObject; readonly deployed: any[] }>;
  /** The Applications whose files cannot be told, with the reason. */
  readonly notes: string[];
}

/**
 * The rule inputs of the objects. An object of a file that Applications of the inputs deploy is placed in each
 * cluster they deploy it to (one input per cluster, in the Application's destination namespace when it has none);
 * any other object is in a cluster that is not known, which may meet every cluster.
 */
function placeObjects(objects: InputObject[], repository: Repository | undefined): Placement {
  const readings = repository === undefined ? [] : objects.filter(o => isApplicationManifest(o.manifest))
    .map(app => ({ app, read: applicationFiles(app.manifest, repository.listFolder) }));
  const known = readings.filter(r => r.read.files !== undefined).map(r => ({ app: r.app, files: r.read.files!, deployed: [] as any[] }));
  const notes = readings.filter(r => r.read.reason !== undefined).map(r => `${objectLabel(r.app.manifest)} (${r.app.file}:${r.app.line}): `
    + `the files it deploys are not known, because ${r.read.reason}; its Argo CD rules see every object of the inputs`);
  const inputs: ManifestInput[] = [];
  const objectOf = new Map<ManifestOrigin, InputObject>();
  const deployers = new Set(known.map(k => k.app));
  for (const o of objects) {
    if (deployers.has(o)) continue;
    const file = repository && o.absolute !== undefined ? repositoryPath(repository.root, o.absolute) : undefined;
    const by = file === undefined ? [] : known.filter(k => k.files.deploys(file, o.skipsRendering));
    for (const k of by) k.deployed.push(o.manifest);
    const clusters = [...new Map(by.map(k => [k.files.cluster, k.files])).values()];
    const places = clusters.length === 0 ? [{}] : clusters.map(f => ({ cluster: f.cluster, defaultNamespace: f.namespace }));
    for (const place of places) {
      const origin: ManifestOrigin = { path: `${o.file}:${o.line}`, unit: `file ${o.file}`, ...place };
      objectOf.set(origin, o);
      inputs.push({ manifest: o.manifest, origin });
    }
  }
  return { inputs, objectOf, deployers: known.map(k => ({ app: k.app, deployed: k.deployed })), notes };
}

/** A file's path relative to the repository root, '/'-separated, or undefined when it is not in the repository. */
function repositoryPath(root: string, absolute: string): string | undefined {
  const relative = path.relative(root, absolute);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? undefined : relative.split(path.sep).join('/');
}

/** The findings, each once: an object placed in several clusters gives the same finding at the same place once per cluster. */
function onePerPlace(findings: LintFinding[]): LintFinding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = JSON.stringify([f.code, f.file, f.line, f.object, f.path, f.message, f.fix]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The file and line of each object label (the first object with that label). */
function locate(objects: InputObject[]): Map<string, InputObject> {
  const out = new Map<string, InputObject>();
  for (const o of objects) {
    const label = objectLabel(o.manifest);
    if (!out.has(label)) out.set(label, o);
  }
  return out;
}

function fromRule(f: RuleFinding, at: InputObject | undefined, strict: boolean): LintFinding {
  const info = CATALOG.find(r => r.code === f.code)!;
  const downgrade = LIBRARY_ERRORS.has(f.code) && !strict && !(at?.writtenBySynth ?? false);
  return {
    code: f.code,
    level: downgrade ? 'warning' : f.severity === RuleSeverity.ERROR ? 'error' : 'warning',
    object: f.object,
    path: f.path,
    message: downgrade
      ? `${f.message} (a rule of cdk8s-canary, not of the controllers: an error for the output of cdk8s-canary synth or with --strict)`
      : f.message,
    fix: f.fix,
    docs: info.docs,
    file: at?.file,
    line: at?.line,
  };
}

/**
 * The warnings of the rollout plan of each canary Rollout of the inputs, at its own file and line (a Rollout the plan
 * cannot read gives a note).
 */
function planFindings(objects: InputObject[], manifests: any[]): { findings: LintFinding[]; notes: string[] } {
  const findings: LintFinding[] = [];
  const notes: string[] = [];
  const index = new ManifestIndex(manifests);
  const rollouts = new Set(canaryRollouts(manifests));
  for (const at of objects.filter(o => rollouts.has(o.manifest))) {
    const rollout = at.manifest;
    const label = objectLabel(rollout);
    let warnings;
    try {
      warnings = computePlan(manifests, rollout, {}, index).warnings;
    } catch (e: any) {
      notes.push(`no rollout plan for ${label} (${at.file}:${at.line}): ${e?.message ?? e}`);
      continue;
    }
    for (const w of warnings) {
      if (PLAN_REPEATS.has(w.code)) continue;
      findings.push({
        code: w.code,
        level: 'warning',
        object: label,
        path: w.stepIndex === undefined ? 'spec.strategy.canary' : `spec.strategy.canary.steps[${w.stepIndex}]`,
        message: w.message,
        fix: '',
        docs: `docs/plan.md#${w.code.toLowerCase()}`,
        file: at.file,
        line: at.line,
      });
    }
  }
  return { findings, notes };
}
