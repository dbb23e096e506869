// The schema oracle must be able to fail: otherwise "validated" in every other test means nothing.
import * as fs from 'fs';
import * as path from 'path';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { Testing } from 'cdk8s';
import { findOne } from './manifests';
import { validateManifest, validateManifests } from './schema';
import { CanaryService } from '../../src/canary-service';

const CRD_DIR = process.env.CRD_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds');
const HAVE_CRDS = fs.existsSync(CRD_DIR);

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
    if (HAVE_CRDS) {
      expect(() => validateManifests(m)).toThrow(/not valid against the pinned argoproj.io\/v1alpha1 Rollout CRD schema[\s\S]*\(route\)/);
    }
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

  (HAVE_CRDS ? test : test.skip)('the strict CRD check rejects an unknown field that the npm models accept', () => {
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

if (!HAVE_CRDS) {
  // eslint-disable-next-line no-console
  console.warn(`\n*** schema.test.ts: pinned CRDs not found in ${CRD_DIR}: the strict CRD checks were SKIPPED (set CRD_DIR) ***\n`);
}
