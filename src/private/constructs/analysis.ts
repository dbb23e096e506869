// The analysis blocks of a Rollout (background and step analysis): checks and rendering. Not exported from the package.
import { AnalysisArg } from '../../analysis-arg';
import { RolloutAnalysisOptions } from '../../rollout-analysis';
import { compareCodeUnits } from '../format';

/** Values the Rollout knows for the well-known arguments. */
export interface WellKnownArgValues {
  readonly [name: string]: AnalysisArg;
}

/**
 * Checks one analysis block and renders it. `where` names it in messages (for example
 * "background analysis" or "step 3 analysis").
 */
export function renderAnalysis(where: string, options: RolloutAnalysisOptions, wellKnown: WellKnownArgValues, inline: boolean,
  errors: string[]): any {
  const templates = options.templates;
  if (templates.length === 0) {
    errors.push(`${where}: 'templates' is empty: give at least one AnalysisTemplate`);
  }
  const metricOwner = new Map<string, string>();
  for (const t of templates) {
    for (const m of t.metricNames) {
      const other = metricOwner.get(m);
      if (other !== undefined) {
        errors.push(`${where}: templates "${other}" and "${t.templateName}" both define a metric named '${m}': Argo Rollouts merges the templates `
          + 'of one run and fails with "two metrics have the same name". Rename one metric or run the templates in separate analyses');
      } else {
        metricOwner.set(m, t.templateName);
      }
    }
    if (inline && t.unboundedMetricNames.length > 0) {
      errors.push(`${where}: template "${t.templateName}" has metric(s) ${t.unboundedMetricNames.map(n => `'${n}'`).join(', ')} with an interval `
        + "and no count, which run until the analysis is terminated: a step analysis would never finish. Give each a 'count', "
        + 'or use the template as background analysis');
    }
  }
  const supplied = new Map<string, AnalysisArg>();
  for (const arg of options.args ?? []) {
    const prev = supplied.get(arg.name);
    if (prev && JSON.stringify(prev._toKube()) !== JSON.stringify(arg._toKube())) {
      errors.push(`${where}: argument '${arg.name}' is supplied twice with different values (${describe(prev)} and ${describe(arg)}): supply it once`);
    }
    supplied.set(arg.name, arg);
  }
  const declared = new Map<string, { template: string; defaultValue?: string; required: boolean }>();
  for (const t of templates) {
    for (const d of t.argDeclarations) {
      const required = d.defaultValue === undefined && !d.fromSecret;
      const prev = declared.get(d.name);
      if (prev && prev.defaultValue !== undefined && d.defaultValue !== undefined && prev.defaultValue !== d.defaultValue) {
        errors.push(`${where}: argument '${d.name}' has the value "${prev.defaultValue}" in template "${prev.template}" and "${d.defaultValue}" in `
          + `"${t.templateName}": Argo Rollouts refuses an argument specified with different values. Give both templates the same default, `
          + 'or supply the argument from the Rollout');
      }
      if (!prev || required) declared.set(d.name, { template: t.templateName, defaultValue: d.defaultValue ?? prev?.defaultValue, required });
    }
  }
  for (const name of supplied.keys()) {
    if (!declared.has(name)) {
      errors.push(`${where}: argument '${name}' is supplied but no template declares it (declared: ${[...declared.keys()].join(', ') || 'none'}): `
        + 'fix the name or remove it');
    }
  }
  const args: any[] = [];
  for (const [name, d] of [...declared.entries()].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const value = supplied.get(name) ?? (d.required ? wellKnown[name] : undefined);
    if (value) {
      args.push(value._toKube());
    } else if (d.required) {
      errors.push(`${where}: template "${d.template}" needs the argument '${name}', which nobody supplies: add AnalysisArg.fromValue('${name}', ...) `
        + "to the analysis 'args', or give the argument a default in the template");
    }
  }
  const dryRun = options.dryRunMetrics ?? [];
  for (const m of dryRun) {
    if (!metricOwner.has(m)) {
      errors.push(`${where}: 'dryRunMetrics' names '${m}', which no template of this analysis defines (metrics: ${[...metricOwner.keys()].join(', ') || 'none'})`);
    }
  }
  return {
    templates: templates.map(t => ({ templateName: t.templateName, ...(t.clusterScope ? { clusterScope: true } : {}) })),
    ...(args.length > 0 ? { args } : {}),
    ...(dryRun.length > 0 ? { dryRun: dryRun.map(m => ({ metricName: `^${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` })) } : {}),
  };
}

function describe(arg: AnalysisArg): string {
  return arg.value !== undefined ? `"${arg.value}"` : JSON.stringify(arg._toKube().valueFrom);
}
