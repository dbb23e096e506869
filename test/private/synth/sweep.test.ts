import { ApiObject, Chart } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryApp } from '../../../src/canary-app';
import { CanaryService } from '../../../src/canary-service';
import { findPromqlError } from '../../../src/private/promql';
import { inActiveSweep, inSweep, sweepFindAll, sweepMemo } from '../../../src/private/synth/sweep';

const APP = { sourceRepoUrl: 'https://git.example.com/acme/gitops.git', destinationServer: 'https://kubernetes.default.svc' };

function service(chart: Chart, name: string): void {
  new ApiObject(chart, `${name}-service`, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
}

/** Validation errors of every construct, as `App.synth()` finds them (outside a sweep). */
function errorsOutsideSweep(app: CanaryApp): string[] {
  return app.node.findAll().flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
}

describe('sweepMemo', () => {
  test('computes once per key inside a sweep, and at every call outside', () => {
    const key = {};
    let calls = 0;
    const compute = () => ++calls;
    expect(sweepMemo('k', key, compute)).toBe(1);
    expect(sweepMemo('k', key, compute)).toBe(2);
    inSweep(() => {
      expect(sweepMemo('k', key, compute)).toBe(3);
      expect(sweepMemo('k', key, compute)).toBe(3);
      expect(inSweep(() => sweepMemo('k', key, compute))).toBe(3); // a nested sweep joins the outer one
      expect(sweepMemo('other', key, compute)).toBe(4);
    });
    expect(sweepMemo('k', key, compute)).toBe(5);
  });

  test('inActiveSweep tells whether a sweep runs', () => {
    expect(inActiveSweep()).toBe(false);
    expect(inSweep(() => inActiveSweep())).toBe(true);
    expect(inActiveSweep()).toBe(false);
  });

  test('drops the memo when the sweep throws', () => {
    const key = {};
    let calls = 0;
    expect(() => inSweep(() => {
      sweepMemo('k', key, () => ++calls);
      throw new Error('boom');
    })).toThrow('boom');
    expect(sweepMemo('k', key, () => ++calls)).toBe(2);
  });
});

describe('sweepFindAll', () => {
  test('walks a subtree once per sweep, and again at every call outside one', () => {
    // GIVEN
    const app = new CanaryApp({ plans: false });
    const chart = new Chart(app, 'shop');
    service(chart, 'shop');

    // THEN: outside a sweep, a construct added later is found
    const before = sweepFindAll(chart);
    service(chart, 'cart');
    expect(sweepFindAll(chart).length).toBe(before.length + 1);
    expect(sweepFindAll(chart)).toEqual(chart.node.findAll());

    // THEN: inside a sweep, the same (pre-order) list is returned for the same scope
    inSweep(() => {
      const first = sweepFindAll(chart);
      expect(first).toEqual(chart.node.findAll());
      expect(sweepFindAll(chart)).toBe(first);
      expect(sweepFindAll(app)).toEqual(app.node.findAll());
    });
  });
});

describe('ArgoCdApplication overlap check inside CanaryApp.renderFiles()', () => {
  test('fails with the same messages, in the same order, as outside a sweep', () => {
    // GIVEN: c and a share a chart; b and d deploy a copy of Service shop/shop; e is on another cluster
    const app = new CanaryApp({ plans: false });
    const argocd = new Chart(app, 'argocd');
    const shop = new Chart(app, 'shop');
    service(shop, 'shop');
    const copy = new Chart(app, 'copy');
    service(copy, 'shop');
    const other = new Chart(app, 'other');
    service(other, 'other');
    new ArgoCdApplication(argocd, 'c', { ...APP, name: 'c', sourcePath: 'c', charts: [shop] });
    new ArgoCdApplication(argocd, 'a', { ...APP, name: 'a', sourcePath: 'a', charts: [shop] });
    new ArgoCdApplication(argocd, 'b', { ...APP, name: 'b', sourcePath: 'b', charts: [copy, other] });
    new ArgoCdApplication(argocd, 'e', { ...APP, name: 'e', sourcePath: 'e', destinationServer: 'https://eu.example.com', charts: [copy] });
    const expected = errorsOutsideSweep(app);
    expect(expected).toHaveLength(6);

    // THEN
    expect(() => app.renderFiles()).toThrow(`Validation failed with the following errors:\n  ${expected.join('\n  ')}`);
  });

  test('a fleet of Applications without overlaps renders', () => {
    const app = new CanaryApp({ plans: false });
    const argocd = new Chart(app, 'argocd');
    for (let i = 0; i < 20; i++) {
      const chart = new Chart(app, `svc${i}`);
      service(chart, `svc${i}`);
      new ArgoCdApplication(argocd, `svc${i}`, { ...APP, name: `svc${i}`, sourcePath: `apps/svc${i}`, charts: [chart] });
    }
    expect(errorsOutsideSweep(app)).toEqual([]);
    expect(Object.keys(app.renderFiles())).toHaveLength(21);
  });
});

describe('caches used by the synth benchmark fixes', () => {
  test('findPromqlError gives the same answer for a repeated query, and callers cannot alter the cached one', () => {
    const bad = 'sum(rate(x[5m])';
    const first = findPromqlError(bad)!;
    const copy = { ...first };
    expect(first.line).toBe(1);
    (first as any).offset = -1;
    expect(findPromqlError(bad)).toEqual(copy);
    expect(findPromqlError('sum(rate(x[5m]))')).toBeUndefined();
    expect(findPromqlError('sum(rate(x[5m]))')).toBeUndefined();
  });

  test('a Rollout renders the same revision inside and outside a sweep, and a change between sweeps is seen', () => {
    const app = new CanaryApp({ plans: false });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    const outside = svc.rollout.revision;
    expect(inSweep(() => [svc.rollout.revision, svc.rollout.revision])).toEqual([outside, outside]);
    const yaml1 = app.renderFiles()['shop.k8s.yaml'];
    expect(yaml1).toContain(`canonical-revision: ${outside}`);

    svc.container.env.addVariable('COLOR', EnvValue.fromValue('blue'));
    const changed = svc.rollout.revision;
    expect(changed).not.toBe(outside);
    expect(app.renderFiles()['shop.k8s.yaml']).toContain(`canonical-revision: ${changed}`);
  });
});
