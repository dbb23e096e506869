// What `cdk8s-canary lint` reports: the rules over the objects of the inputs (as a partial set: what is not in the
// files cannot be checked), the rollout plan warnings, each with the file and line of the object it is about.
import { InputObject } from './_load';
import { computePlan } from '../plan/_compute';
import { canaryRollouts, ManifestIndex } from '../plan/_manifests';
import { compareCodeUnits as cmp } from '../private/format';
import { CATALOG } from '../rules/_catalog';
import { objectLabel } from '../rules/_context';
import { runRules } from '../rules/_run';
import { RuleFinding, RuleSeverity, RuleSource } from '../rules/finding';

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

/** Options of a lint run. */
export interface LintOptions {
  /** The library's own rules (CR3xx errors) are errors for every object, not only for this library's output. */
  readonly strict?: boolean;
  /** Rule or plan codes to leave out. */
  readonly skip?: string[];
}

/** The result of a lint run. */
export interface LintResult {
  readonly findings: LintFinding[];
  /** Rollouts whose plan could not be computed, with the reason (reported, not findings). */
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
  const findings = runRules(manifests, { partial: true, skip: ruleSkip }).map(f => fromRule(f, where.get(f.object), options.strict === true));
  const plans = planFindings(manifests, where);
  const all = [...findings, ...plans.findings.filter(f => !skip.has(f.code))];
  const rank = (l: Level) => l === 'error' ? 0 : 1;
  all.sort((a, b) => rank(a.level) - rank(b.level) || cmp(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0)
    || cmp(a.code, b.code) || cmp(a.path, b.path) || cmp(a.message, b.message));
  return { findings: all, notes: plans.notes };
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

/** The warnings of the rollout plan of each canary Rollout (a Rollout the plan cannot read gives a note). */
function planFindings(manifests: any[], where: Map<string, InputObject>): { findings: LintFinding[]; notes: string[] } {
  const findings: LintFinding[] = [];
  const notes: string[] = [];
  const index = new ManifestIndex(manifests);
  for (const rollout of canaryRollouts(manifests)) {
    const label = objectLabel(rollout);
    const at = where.get(label);
    let warnings;
    try {
      warnings = computePlan(manifests, rollout, {}, index).warnings;
    } catch (e: any) {
      notes.push(`no rollout plan for ${label}: ${e?.message ?? e}`);
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
        file: at?.file,
        line: at?.line,
      });
    }
  }
  return { findings, notes };
}
