// The upstream Argo Rollouts examples (read from UPSTREAM_EXAMPLES_DIR, see support/upstream-examples.ts; not copied
// into the project)
// must pass every controller and Istio rule: a check that the CR1xx/CR2xx rules do not report what the
// controllers accept.
import * as YAML from 'yaml';
import { CanaryRules } from '../../src/rules/canary-rules';
import { UPSTREAM_EXAMPLES_DIR, upstreamExample } from '../support/upstream-examples';

const present = UPSTREAM_EXAMPLES_DIR !== undefined;

if (!present) {
  // eslint-disable-next-line no-console
  console.warn('\n*** rules/upstream-examples.test.ts: UPSTREAM_EXAMPLES_DIR is not set: the upstream examples were SKIPPED ***\n');
}

function load(...files: string[]): any[] {
  return files.flatMap(f => YAML.parseAllDocuments(upstreamExample(f)).map(d => d.toJS()).filter(Boolean));
}

(present ? describe : describe.skip)('upstream examples', () => {
  test('the subset-level Istio example has no controller or Istio finding', () => {
    const findings = CanaryRules.check(load('istio-subset-split.yaml'));
    expect(findings.filter(f => !f.code.startsWith('CR3')).map(f => CanaryRules.format(f))).toEqual([]);
    // it has no readiness probe and ends at 10%: the library's own invariants say so
    expect(findings.map(f => f.code)).toEqual(['CR305', 'CR302']);
  });

  test('the analysis examples with their templates have no controller finding but the ClusterAnalysisTemplate warning', () => {
    const findings = CanaryRules.check(load('analysis-templates.yaml', 'rollout-analysis-step.yaml', 'rollout-background-analysis.yaml'));
    expect(findings.filter(f => !f.code.startsWith('CR3')).map(f => f.code)).toEqual(['CR123']);
  });
});
