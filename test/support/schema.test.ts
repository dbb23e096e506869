// The schema oracle must be able to fail: otherwise "validated" in every other test means nothing.
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { Testing } from 'cdk8s';
import { findOne } from './manifests';
import { validateManifest, validateManifests, validateStrict } from './schema';
import { CanaryService } from '../../src/canary-service';

function manifests(): any[] {
  const chart = Testing.chart();
  new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
  return Testing.synth(chart);
}

describe('validateManifests', () => {
  test('accepts the library output', () => {
    const m = manifests();
    expect(validateManifests(m)).toBe(m);
  });

  test('fails if a Rollout has an unknown field', () => {
    // GIVEN
    const m = manifests();
    findOne(m, 'Rollout').spec.strategy.canary.trafficRouting.istio.virtualService.route = ['primary'];
    // THEN
    expect(() => validateManifests(m)).toThrow(/^Rollout shop: /);
    expect(() => validateManifests(m)).toThrow(/not valid against the pinned argoproj.io\/v1alpha1 Rollout CRD schema[\s\S]*\(route\)/);
  });

  test('fails if a Rollout has an unknown top-level spec field', () => {
    const m = manifests();
    findOne(m, 'Rollout').spec.replica = 3;
    expect(() => validateManifests(m)).toThrow(/Rollout shop/);
  });

  test('fails if a VirtualService has a wrong type (weight as a string)', () => {
    // GIVEN
    const m = manifests();
    findOne(m, 'VirtualService').spec.http[0].route[0].weight = '100';
    // THEN
    expect(() => validateManifests(m)).toThrow(/^VirtualService shop: /);
  });

  test('fails if a VirtualService has a wrong type (hosts as a string)', () => {
    const m = manifests();
    findOne(m, 'VirtualService').spec.hosts = 'shop.default.svc.cluster.local';
    expect(() => validateManifests(m)).toThrow(/VirtualService shop/);
  });

  test('fails if a DestinationRule has an unknown field in a subset', () => {
    const m = manifests();
    findOne(m, 'DestinationRule').spec.subsets[0].selector = { app: 'shop' };
    expect(() => validateManifests(m)).toThrow(/DestinationRule shop/);
  });

  test('fails if a core object is invalid (Service port as a string)', () => {
    const m = manifests();
    findOne(m, 'Service').spec.ports[0].port = 'eighty';
    expect(() => validateManifests(m)).toThrow(/Service shop/);
  });

  test('fails if there is no oracle for a kind', () => {
    expect(() => validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }))
      .toThrow(/no schema oracle for example.com\/v1 Widget/);
  });

  test('the strict CRD check rejects an unknown field that the npm models accept', () => {
    // GIVEN an unknown field deep in an Istio object
    const m = manifests();
    const vs = findOne(m, 'VirtualService');
    vs.spec.http[0].route[0].destination.subsets = 'stable';
    // THEN the npm model alone does not see it
    expect(() => new VirtualService({ ...vs, apiVersion: 'networking.istio.io/v1beta1' }).validate()).not.toThrow();
    // but the strict check does
    expect(() => validateManifests(m)).toThrow(/not valid against the pinned networking.istio.io\/v1 VirtualService CRD schema[\s\S]*\(subsets\)/);
  });
});

describe('validateStrict (the schemas derived from the bindings of the pinned CRDs)', () => {
  const STRICT = /not valid against the pinned .* CRD schema \(strict, derived from imports\/\)/;

  test('accepts the library output', () => {
    for (const m of manifests()) expect(() => validateStrict(m)).not.toThrow();
  });

  test('fails if a required field is missing (DestinationRule spec.host)', () => {
    const dr = findOne(manifests(), 'DestinationRule');
    delete dr.spec.host;
    expect(() => validateStrict(dr)).toThrow(/\/spec must have required property 'host'/);
  });

  test('fails if an enum field has a value the pinned CRD does not list (PeerAuthentication mtls.mode)', () => {
    const pa = findOne(manifests(), 'PeerAuthentication');
    pa.spec.mtls.mode = 'STRICTLY';
    expect(() => validateStrict(pa)).toThrow(/\/spec\/mtls\/mode must be equal to one of the allowed values/);
  });

  test('fails if an int-or-string field has another type, and takes both an integer and a string', () => {
    const rollout = findOne(manifests(), 'Rollout');
    rollout.spec.strategy.canary.maxSurge = '25%';
    expect(() => validateStrict(rollout)).not.toThrow();
    rollout.spec.strategy.canary.maxSurge = 1;
    expect(() => validateStrict(rollout)).not.toThrow();
    rollout.spec.strategy.canary.maxSurge = true;
    expect(() => validateStrict(rollout)).toThrow(/\/spec\/strategy\/canary\/maxSurge must be integer,string/);
  });

  test('fails if the apiVersion or kind is not the one of the schema', () => {
    const rollout = findOne(manifests(), 'Rollout');
    expect(() => validateStrict({ ...rollout, apiVersion: 'argoproj.io/v1beta1' })).toThrow(/no strict schema for argoproj.io\/v1beta1 Rollout/);
  });

  test('fails if a field is unknown inside the pod template (closed there, as in the Argo Rollouts CRD)', () => {
    const rollout = findOne(manifests(), 'Rollout');
    rollout.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    expect(() => validateStrict(rollout)).toThrow(/\/spec\/template\/spec\/containers\/0 must NOT have additional properties \(imagePullPolicyy\)/);
  });

  test('accepts anything where the CRD preserves unknown fields (container resources in a Rollout)', () => {
    const rollout = findOne(manifests(), 'Rollout');
    rollout.spec.template.spec.containers[0].resources = { limits: { 'example.com/gpu': 1, 'memory': '1Gi' }, requests: { anything: { nested: true } } };
    expect(() => validateStrict(rollout)).not.toThrow();
  });

  test('knows the fields of the pinned versions that the older @kubernetes-models schemas lack, and checks them', () => {
    // GIVEN fields of Istio 1.30 and Argo Rollouts 1.9 that @kubernetes-models/istio 2.3 and argo-rollouts 0.3 do not define
    const m = manifests();
    const vs = findOne(m, 'VirtualService');
    vs.spec.http[0].mirrors = [{ destination: { host: 'shop-shadow' }, percentage: { value: 5 } }];
    const rollout = findOne(m, 'Rollout');
    rollout.spec.strategy.canary.trafficRouting.maxTrafficWeight = 1000;
    // THEN both oracles accept them
    expect(validateManifests([vs, rollout])).toHaveLength(2);
    // AND a wrong type or a misspelling inside them fails the strict check, which the npm models would not see
    vs.spec.http[0].mirrors[0].percentage = { value: 'five' };
    expect(() => new VirtualService({ ...vs, apiVersion: 'networking.istio.io/v1beta1' }).validate()).not.toThrow();
    expect(() => validateStrict(vs)).toThrow(/\/spec\/http\/0\/mirrors\/0\/percentage\/value must be number/);
    vs.spec.http[0].mirrors[0] = { destination: { host: 'shop-shadow' }, percentag: { value: 5 } };
    expect(() => validateStrict(vs)).toThrow(/must NOT have additional properties \(percentag\)/);
  });

  test('checks the other served Istio versions against the v1 schema (Istio serves identical schemas)', () => {
    const vs = { ...findOne(manifests(), 'VirtualService'), apiVersion: 'networking.istio.io/v1beta1' };
    expect(() => validateStrict(vs)).not.toThrow();
    vs.spec.gateway = ['mesh'];
    expect(() => validateStrict(vs)).toThrow(STRICT);
    expect(() => validateStrict(vs)).toThrow(/must NOT have additional properties \(gateway\)/);
  });

  test('leaves core kinds to kubernetes-models (no strict schema for them)', () => {
    const svc = findOne(manifests(), 'Service');
    svc.spec.portz = [];
    expect(() => validateStrict(svc)).not.toThrow();
  });
});
