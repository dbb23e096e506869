// The analysis blocks of a Rollout (background and step analysis): `checkAnalysis` finds what Argo Rollouts would
// refuse in the wiring of templates and arguments, `renderAnalysis` writes the block. Checking needs no rendering (the
// Rollout's validation never renders its pod template). Not exported from the package.
import { AnalysisArg } from '../../analysis-arg';
import { RolloutAnalysisOptions } from '../../rollout-analysis';
import { compareCodeUnits } from '../format';

/** Values the Rollout supplies for the well-known arguments (`CanaryArgs`), by name. */
export interface WellKnownArgValues {
  readonly [name: string]: AnalysisArg;
}

/** An argument the templates of one analysis declare, merged over the templates. */
interface Declared {
  /** The (last) template that declares it without default, else the first that declares it. */
  readonly template: string;
  readonly defaultValue?: string;
  /** No template gives a default, and none reads it from a Secret: someone must supply it. */
  readonly required: boolean;
}

/** The arguments the templates declare, in declaration order, as Argo Rollouts merges them. */
function declaredArgs(options: RolloutAnalysisOptions): Map<string, Declared> {
  const declared = new Map<string, Declared>();
  for (const t of options.templates) {
    for (const d of t.argDeclarations) {
      const required = d.defaultValue === undefined && !d.fromSecret;
      const prev = declared.get(d.name);
      if (!prev || required) declared.set(d.name, { template: t.templateName, defaultValue: d.defaultValue ?? prev?.defaultValue, required });
    }
  }
  return declared;
}

/** The arguments the Rollout supplies, by name (the last one wins). */
function suppliedArgs(options: RolloutAnalysisOptions): Map<string, AnalysisArg> {
  return new Map((options.args ?? []).map(arg => [arg.name, arg]));
}

/**
 * What Argo Rollouts would refuse in one analysis block and the rules cannot see in the rendered Rollout (which drops
 * undeclared arguments and keeps one value per argument). `where` names the block in messages ("background analysis",
 * "step 3 analysis"). The rest (metric names unique across the templates, CR124; every argument supplied, CR125; one
 * value per argument, CR126; no endless metric in a step analysis, CR127; dry-run metrics that exist, CR128) is the
 * rules' to report, once, for every Rollout of the app.
 */
export function checkAnalysis(where: string, options: RolloutAnalysisOptions): string[] {
  return [
    ...(options.templates.length === 0 ? [`${where}: 'templates' is empty: give at least one AnalysisTemplate`] : []),
    ...checkSuppliedArgs(where, options),
  ];
}

/** An argument is supplied once (or with one value), and only when a template declares it. */
function checkSuppliedArgs(where: string, options: RolloutAnalysisOptions): string[] {
  const errors: string[] = [];
  const seen = new Map<string, AnalysisArg>();
  for (const arg of options.args ?? []) {
    const prev = seen.get(arg.name);
    if (prev && !prev.sameValueAs(arg)) {
      errors.push(`${where}: argument '${arg.name}' is supplied twice with different values (${describe(prev)} and ${describe(arg)}): supply it once`);
    }
    seen.set(arg.name, arg);
  }
  const declared = declaredArgs(options);
  for (const name of seen.keys()) {
    if (declared.has(name)) continue;
    errors.push(`${where}: argument '${name}' is supplied but no template declares it (declared: ${[...declared.keys()].join(', ') || 'none'}): `
      + 'fix the name or remove it');
  }
  return errors;
}

/**
 * The analysis block as Argo Rollouts reads it: the templates, the value of every argument the templates declare (the
 * supplied one, else the Rollout's well-known one for a required argument) in code-unit order, and the dry-run metrics.
 */
export function renderAnalysis(options: RolloutAnalysisOptions, wellKnown: WellKnownArgValues): any {
  const supplied = suppliedArgs(options);
  const args = sortedByName(declaredArgs(options))
    .map(([name, d]) => supplied.get(name) ?? (d.required ? wellKnown[name] : undefined))
    .filter((value): value is AnalysisArg => value !== undefined)
    .map(value => value._toKube());
  const dryRun = options.dryRunMetrics ?? [];
  return {
    templates: options.templates.map(t => ({ templateName: t.templateName, ...(t.clusterScope ? { clusterScope: true } : {}) })),
    ...(args.length > 0 ? { args } : {}),
    ...(dryRun.length > 0 ? { dryRun: dryRun.map(m => ({ metricName: `^${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` })) } : {}),
  };
}

function sortedByName<T>(map: Map<string, T>): Array<[string, T]> {
  return [...map.entries()].sort(([a], [b]) => compareCodeUnits(a, b));
}

function describe(arg: AnalysisArg): string {
  return arg.value !== undefined ? `"${arg.value}"` : JSON.stringify(arg._toKube().valueFrom);
}
