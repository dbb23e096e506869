// The registry of metric providers: a new provider is a module of this folder and one line here. Not exported from
// the package.
import { DATADOG } from './datadog';
import { JOB } from './job';
import { PROMETHEUS } from './prometheus';
import { MetricContext, MetricProblem, PlanHints, ProviderModel } from './provider';
import { WEB } from './web';

const PROVIDERS: ReadonlyArray<ProviderModel> = [PROMETHEUS, WEB, JOB, DATADOG];
const BY_KEY = new Map(PROVIDERS.map(p => [p.key as string, p]));

/** The provider key of a metric (the first key set under `provider`, in code-unit order), or undefined. */
export function providerKeyOf(metric: any): string | undefined {
  const provider = metric?.provider;
  if (!provider || typeof provider !== 'object') return undefined;
  return Object.keys(provider).filter(k => provider[k] !== undefined && provider[k] !== null).sort()[0];
}

/** The model of a provider key, or undefined for a provider the library does not model (the plan and rules skip it). */
export function providerModel(key: string | undefined): ProviderModel | undefined {
  return key === undefined ? undefined : BY_KEY.get(key);
}

/** Every provider's checks of one metric (none for a provider the library does not model). */
export function checkMetric(metric: any, ctx: MetricContext): MetricProblem[] {
  return providerModel(providerKeyOf(metric))?.check(metric, ctx) ?? [];
}

/** The plan's view of a metric; for a provider the library does not model, a query that needs canary traffic. */
export function planHintsOf(metric: any, resolve: (text: string) => string): PlanHints {
  return providerModel(providerKeyOf(metric))?.planHints(metric, resolve) ?? { measurementSeconds: 0, needsCanaryTraffic: true };
}

/** The codes the providers' checks report, for the catalog test. */
export const PROVIDER_RULE_CODES = ['CR140', 'CR141', 'CR142', 'CR143', 'CR318', 'CR319', 'CR320', 'CR321', 'CR322'];
