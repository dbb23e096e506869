// The rule run behind `CanaryRules.check()` and the `cdk8s-canary lint` command: every rule over a manifest set.
import { checkArgoRollouts } from './_argo-rollouts';
import { checkArgoCd } from './_argocd';
import { CATALOG } from './_catalog';
import { checkConfig } from './_config';
import { Context } from './_context';
import { checkInvariants } from './_invariants';
import { checkIstio } from './_istio';
import { checkNotifications } from './_notifications';
import { checkRoutePolicies } from './_route-policy';
import { checkVerification } from './_verification';
import { checkWorkloadRefs } from './_workload-ref';
import { ManifestInput, RuleFinding } from './finding';

/** How to run the rules. */
export interface RunOptions {
  /** Rule codes to skip. */
  readonly skip?: string[];
  /**
   * The set may be a part of what the cluster holds (lint of some files): an object referenced but not in the set
   * gives a "cannot check" warning, never an error.
   */
  readonly partial?: boolean;
}

/** Every rule over `manifests`: errors first, then by code, object, path and message (`Context.results`). */
export function runRules(manifests: any[], options: RunOptions = {}): RuleFinding[] {
  return runInputs((manifests ?? []).map(manifest => ({ manifest })), options);
}

/** Every rule over manifests with their origins (the objects of a whole app, as synth runs them). */
export function runInputs(inputs: ManifestInput[], options: RunOptions = {}): RuleFinding[] {
  for (const code of options.skip ?? []) {
    if (!CATALOG.some(r => r.code === code)) {
      throw new Error(`'skip' ("${code}") is not a rule code: use codes from docs/rules.md (${CATALOG[0].code}…${CATALOG[CATALOG.length - 1].code})`);
    }
  }
  const ctx = new Context(inputs, options.partial === true);
  checkArgoRollouts(ctx);
  checkWorkloadRefs(ctx);
  checkIstio(ctx);
  checkRoutePolicies(ctx);
  checkInvariants(ctx);
  checkConfig(ctx);
  checkVerification(ctx);
  checkArgoCd(ctx);
  checkNotifications(ctx);
  return ctx.results(new Set(options.skip ?? []));
}
