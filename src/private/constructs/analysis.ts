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
 * What Argo Rollouts would refuse in one analysis block. `where` names the block in messages ("background analysis",
 * "step 3 analysis"); `wellKnown` are the names of the arguments the Rollout supplies itself; an `inline` (step)
 * analysis must finish.
 */
export function checkAnalysis(where: string, options: RolloutAnalysisOptions, wellKnown: ReadonlySet<string>, inline: boolean): string[] {
  return [
    ...checkTemplates(where, options, inline),
    ...checkSuppliedArgs(where, options),
    ...checkDeclaredArgs(where, options, wellKnown),
    ...checkDryRun(where, options),
  ];
}

/** At least one template; metric names unique across the templates; no endless metric in a step analysis. */
function checkTemplates(where: string, options: RolloutAnalysisOptions, inline: boolean): string[] {
  const errors: string[] = [];
  if (options.templates.length === 0) errors.push(`${where}: 'templates' is empty: give at least one AnalysisTemplate`);
  const metricOwner = new Map<string, string>();
  for (const t of options.templates) {
    for (const m of t.metricNames) {
      const other = metricOwner.get(m);
      if (other === undefined) {
        metricOwner.set(m, t.templateName);
        continue;
      }
      errors.push(`${where}: templates "${other}" and "${t.templateName}" both define a metric named '${m}': Argo Rollouts merges the templates `
        + 'of one run and fails with "two metrics have the same name". Rename one metric or run the templates in separate analyses');
    }
    if (inline && t.unboundedMetricNames.length > 0) {
      errors.push(`${where}: template "${t.templateName}" has metric(s) ${t.unboundedMetricNames.map(n => `'${n}'`).join(', ')} with an interval `
        + "and no count, which run until the analysis is terminated: a step analysis would never finish. Give each a 'count', "
        + 'or use the template as background analysis');
    }
  }
  return errors;
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
  errors.push(...conflictingDefaults(where, options));
  const declared = declaredArgs(options);
  for (const name of seen.keys()) {
    if (declared.has(name)) continue;
    errors.push(`${where}: argument '${name}' is supplied but no template declares it (declared: ${[...declared.keys()].join(', ') || 'none'}): `
      + 'fix the name or remove it');
  }
  return errors;
}

/** Two templates give the same argument different defaults. */
function conflictingDefaults(where: string, options: RolloutAnalysisOptions): string[] {
  const errors: string[] = [];
  const declared = new Map<string, Declared>();
  for (const t of options.templates) {
    for (const d of t.argDeclarations) {
      const prev = declared.get(d.name);
      if (prev && prev.defaultValue !== undefined && d.defaultValue !== undefined && prev.defaultValue !== d.defaultValue) {
        errors.push(`${where}: argument '${d.name}' has the value "${prev.defaultValue}" in template "${prev.template}" and "${d.defaultValue}" in `
          + `"${t.templateName}": Argo Rollouts refuses an argument specified with different values. Give both templates the same default, `
          + 'or supply the argument from the Rollout');
      }
      const required = d.defaultValue === undefined && !d.fromSecret;
      if (!prev || required) declared.set(d.name, { template: t.templateName, defaultValue: d.defaultValue ?? prev?.defaultValue, required });
    }
  }
  return errors;
}

/** Every required argument is supplied, by the analysis or by the Rollout (a well-known argument). */
function checkDeclaredArgs(where: string, options: RolloutAnalysisOptions, wellKnown: ReadonlySet<string>): string[] {
  const supplied = suppliedArgs(options);
  return sortedByName(declaredArgs(options))
    .filter(([name, d]) => d.required && !supplied.has(name) && !wellKnown.has(name))
    .map(([name, d]) => `${where}: template "${d.template}" needs the argument '${name}', which nobody supplies: add AnalysisArg.fromValue('${name}', ...) `
      + "to the analysis 'args', or give the argument a default in the template");
}

/** Every dry-run metric is a metric of one of the templates. */
function checkDryRun(where: string, options: RolloutAnalysisOptions): string[] {
  const metrics = [...new Set(options.templates.flatMap(t => t.metricNames))];
  return (options.dryRunMetrics ?? []).filter(m => !metrics.includes(m))
    .map(m => `${where}: 'dryRunMetrics' names '${m}', which no template of this analysis defines (metrics: ${metrics.join(', ') || 'none'})`);
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
