// Runs the day-two situations S1-S5 of the Argo CD sync model (src/private/argocd/scenarios.ts) on generated
// Applications, on both Argo CD version families: without restoreNonIgnoredFields (<= 3.3.12, 3.4.0-3.4.4) and with
// it (>= 3.3.13, 3.4.5, 3.5.0). Used by every test that generates an Application.
import * as YAML from 'yaml';
import { runScenarios, ScenarioResult } from '../../src/private/argocd/scenarios';

/** One release of each family. */
export const ARGOCD_VERSIONS = ['3.3.12', '3.5.1'];

/** The failures of S1-S5 for one Application and the manifests it deploys, as readable lines (empty: all pass). */
export function scenarioFailures(results: ScenarioResult[]): string[] {
  return results.filter(r => !r.pass)
    .flatMap(r => r.objects.filter(o => !o.pass).map(o => `Argo CD ${r.version}, Rollout ${r.rollout}, ${r.scenario}, ${o.key}: ${o.reason}`));
}

/**
 * S1-S5 on both version families for an Application (JSON) and the manifests it deploys; checks that they ran for
 * every Rollout with Istio traffic routing among them (five situations each), so a pass is never vacuous.
 */
export function runAllScenarios(application: any, manifests: any[]): ScenarioResult[] {
  const results = ARGOCD_VERSIONS.flatMap(version => runScenarios({ application, manifests, version }));
  const rollouts = manifests.filter(m => m?.kind === 'Rollout' && m.spec?.strategy?.canary?.trafficRouting?.istio).length;
  if (results.length !== rollouts * 5 * ARGOCD_VERSIONS.length) {
    throw new Error(`the scenarios ran ${results.length} times for ${rollouts} Rollout(s): expected ${rollouts * 5 * ARGOCD_VERSIONS.length}`);
  }
  return results;
}

/** Asserts that an Application passes S1-S5 on both version families; returns the results. */
export function expectScenariosPass(application: any, manifests: any[]): ScenarioResult[] {
  const results = runAllScenarios(application, manifests);
  expect(scenarioFailures(results)).toEqual([]);
  return results;
}

/** The files an Application reads from a synth output: `directory.include` (a name, or `{a,b}`), else all YAML files. */
export function filesOf(application: any, files: { [name: string]: string }): string[] {
  const include: string | undefined = application.spec?.source?.directory?.include;
  const names = Object.keys(files).filter(f => f.endsWith('.yaml'));
  if (include === undefined) return names;
  const wanted = /^\{(.*)\}$/.test(include) ? include.slice(1, -1).split(',') : [include];
  const missing = wanted.filter(w => !names.includes(w));
  if (missing.length > 0) throw new Error(`Application ${application.metadata?.name} reads ${missing.join(', ')}, which the output does not have`);
  return wanted;
}

/**
 * Every Application of a synth output (file name -> YAML) with the manifests it deploys (the files it reads), and
 * its S1-S5 results on both version families.
 */
export function outputScenarios(files: { [name: string]: string }): Array<{ application: string; deploys: string[]; results: ScenarioResult[] }> {
  const parse = (f: string) => YAML.parseAllDocuments(files[f]).map(d => d.toJS()).filter(o => o);
  const applications = Object.keys(files).filter(f => f.endsWith('.yaml')).flatMap(parse)
    .filter(o => o.kind === 'Application' && String(o.apiVersion).startsWith('argoproj.io/'));
  return applications.map(application => {
    const deploys = filesOf(application, files);
    return { application: application.metadata.name, deploys, results: runAllScenarios(application, deploys.flatMap(parse)) };
  });
}
