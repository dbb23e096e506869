import { ApiObject, App, Chart } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { CanaryApp } from '../../../src/canary-app';
import { CanaryService } from '../../../src/canary-service';
import { findAll, SynthContext, toJson } from '../../../src/private/synth/context';

const APP = { sourceRepoUrl: 'https://git.example.com/acme/gitops.git', destinationServer: 'https://kubernetes.default.svc' };

function service(chart: Chart, name: string): ApiObject {
  return new ApiObject(chart, `${name}-service`, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
}

/** Validation errors of every construct, as `App.synth()` finds them (outside a CanaryApp synth). */
function errorsOutsideSynth(app: App): string[] {
  return app.node.findAll().flatMap(c => c.node.validate().map(e => `[${c.node.path}] ${e}`));
}

describe('SynthContext', () => {
  test('is found from any construct of the app during its synth, and only then', () => {
    const app = new App();
    const chart = new Chart(app, 'shop');
    const other = new App();
    expect(SynthContext.of(chart)).toBeUndefined();
    SynthContext.run(app, ctx => {
      expect(SynthContext.of(chart)).toBe(ctx);
      expect(SynthContext.of(app)).toBe(ctx);
      expect(SynthContext.of(other)).toBeUndefined();
      expect(SynthContext.run(app, inner => inner)).toBe(ctx); // a nested synth of the same app joins it
    });
    expect(SynthContext.of(chart)).toBeUndefined();
    expect(() => SynthContext.run(app, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(SynthContext.of(chart)).toBeUndefined();
  });

  test('lists a subtree and serializes an object once per synth; outside a synth, at every call', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'shop');
    const svc = service(chart, 'shop');

    // THEN: outside a synth, a construct added later is found, and every JSON is a new value
    const before = findAll(chart);
    service(chart, 'cart');
    expect(findAll(chart)).toHaveLength(before.length + 1);
    expect(toJson(svc)).not.toBe(toJson(svc));

    // THEN: in a synth, the same list and the same JSON are returned
    SynthContext.run(app, ctx => {
      expect(findAll(chart)).toBe(ctx.findAll(chart));
      expect(findAll(chart)).toEqual(chart.node.findAll());
      expect(toJson(svc)).toBe(toJson(svc));
      expect(toJson(svc)).toEqual(svc.toJson());
    });
  });
});

describe('CanaryApp synth', () => {
  test('the Argo CD overlap check fails with the same messages, in the same order, as outside a CanaryApp synth', () => {
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
    const expected = errorsOutsideSynth(app);
    expect(expected).toHaveLength(3); // c-a, c-b and a-b, each pair once

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
    expect(errorsOutsideSynth(app)).toEqual([]);
    expect(Object.keys(app.renderFiles())).toHaveLength(21);
  });

  test('a Rollout renders the same revision inside and outside a synth, and a change between synths is seen', () => {
    const app = new CanaryApp({ plans: false });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const svc = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });
    const outside = svc.rollout.revision;
    expect(SynthContext.run(app, () => [svc.rollout.revision, svc.rollout.revision])).toEqual([outside, outside]);
    expect(app.renderFiles()['shop.k8s.yaml']).toContain(`canonical-revision: ${outside}`);

    svc.container.env.addVariable('COLOR', EnvValue.fromValue('blue'));
    const changed = svc.rollout.revision;
    expect(changed).not.toBe(outside);
    expect(app.renderFiles()['shop.k8s.yaml']).toContain(`canonical-revision: ${changed}`);
  });
});
