import { AnalysisArg, CanaryArgs, PodTemplateHashValue } from '../src/analysis-arg';

describe('AnalysisArg', () => {
  test('fromValue renders name and value', () => {
    const arg = AnalysisArg.fromValue('service-name', 'shop');
    expect(arg.name).toBe('service-name');
    expect(arg.value).toBe('shop');
    expect(arg._toKube()).toEqual({ name: 'service-name', value: 'shop' });
  });

  test('fromPodTemplateHash renders valueFrom.podTemplateHashValue', () => {
    expect(AnalysisArg.fromPodTemplateHash(CanaryArgs.CANARY_POD_TEMPLATE_HASH, PodTemplateHashValue.LATEST)._toKube())
      .toEqual({ name: 'canary-pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } });
    const stable = AnalysisArg.fromPodTemplateHash(CanaryArgs.STABLE_POD_TEMPLATE_HASH, PodTemplateHashValue.STABLE);
    expect(stable._toKube()).toEqual({ name: 'stable-pod-template-hash', valueFrom: { podTemplateHashValue: 'Stable' } });
    expect(stable.value).toBeUndefined();
  });

  test('fromFieldRef renders valueFrom.fieldRef, also with downward-API brackets under metadata', () => {
    expect(AnalysisArg.fromFieldRef('env', "metadata.labels['env']")._toKube())
      .toEqual({ name: 'env', valueFrom: { fieldRef: { fieldPath: "metadata.labels['env']" } } });
    expect(AnalysisArg.fromFieldRef('replicas', 'spec.replicas')._toKube())
      .toEqual({ name: 'replicas', valueFrom: { fieldRef: { fieldPath: 'spec.replicas' } } });
  });

  test('sameValueAs compares what the controller would receive', () => {
    expect(AnalysisArg.fromValue('a', 'x').sameValueAs(AnalysisArg.fromValue('a', 'x'))).toBe(true);
    expect(AnalysisArg.fromValue('a', 'x').sameValueAs(AnalysisArg.fromValue('a', 'y'))).toBe(false);
    expect(AnalysisArg.fromPodTemplateHash('a', PodTemplateHashValue.LATEST)
      .sameValueAs(AnalysisArg.fromPodTemplateHash('a', PodTemplateHashValue.STABLE))).toBe(false);
  });

  test('_toKube returns a copy', () => {
    const arg = AnalysisArg.fromValue('a', 'x');
    arg._toKube().value = 'changed';
    expect(arg._toKube().value).toBe('x');
  });

  test('fails if the name is not a valid argument name', () => {
    expect(() => AnalysisArg.fromValue('bad name', 'x')).toThrow(/'AnalysisArg.fromValue name' \("bad name"\) is not a valid analysis argument name/);
    expect(() => AnalysisArg.fromValue('', 'x')).toThrow(/is not a valid analysis argument name/);
  });

  test('fails if a literal value is not a string', () => {
    expect(() => AnalysisArg.fromValue('n', 3 as any)).toThrow(/'AnalysisArg.fromValue' value for "n" \(3\) must be a string/);
  });

  test('fails if the pod template hash value is unknown', () => {
    expect(() => AnalysisArg.fromPodTemplateHash('h', 'Canary' as any))
      .toThrow(/'AnalysisArg.fromPodTemplateHash' value for "h" \("Canary"\) must be PodTemplateHashValue.STABLE or LATEST/);
  });

  test('fails if the field path is empty or has spaces', () => {
    expect(() => AnalysisArg.fromFieldRef('f', '')).toThrow(/'fieldPath' for analysis argument "f" \(""\) must be a non-empty path/);
    expect(() => AnalysisArg.fromFieldRef('f', 'spec. replicas')).toThrow(/must be a non-empty path into the Rollout without spaces/);
  });

  test('fails if the field path uses brackets outside metadata (Argo splits those paths on dots)', () => {
    expect(() => AnalysisArg.fromFieldRef('v', "spec.template.metadata.labels['app.kubernetes.io/version']"))
      .toThrow(/cannot use brackets outside 'metadata'.*AnalysisArg.fromValue\(\)/);
  });
});

describe('CanaryArgs', () => {
  test('names the well-known arguments', () => {
    expect([CanaryArgs.SERVICE_NAME, CanaryArgs.NAMESPACE, CanaryArgs.CANARY_REVISION, CanaryArgs.CANARY_POD_TEMPLATE_HASH,
      CanaryArgs.STABLE_POD_TEMPLATE_HASH]).toEqual(['service-name', 'namespace', 'canary-revision', 'canary-pod-template-hash',
      'stable-pod-template-hash']);
    expect(CanaryArgs.isWellKnown('canary-revision')).toBe(true);
    expect(CanaryArgs.isWellKnown('threshold')).toBe(false);
  });
});
