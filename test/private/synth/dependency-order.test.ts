import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Construct } from 'constructs';
import { dependencyOrder } from '../../../src/private/synth/dependency-order';

/** A small deterministic pseudo-random generator, so that a failure can be reproduced. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function obj(scope: Construct, id: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id.toLowerCase() } });
}

describe('dependencyOrder', () => {
  test.each(Array.from({ length: 100 }, (_, i) => i + 1))('gives the order of cdk8s DependencyGraph.topology() (random app %i)', seed => {
    // GIVEN: charts (some with integer-like ids), nested constructs, dependencies that only point backwards
    // (no cycle), some across charts, some duplicated
    const random = rng(seed);
    const app = new App();
    const all: Construct[] = [];
    const charts = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => new Chart(app, random() < 0.3 ? `${10 - i}` : `chart-${i}`));
    for (const chart of charts) {
      all.push(chart);
      const n = Math.floor(random() * 8);
      for (let i = 0; i < n; i++) {
        const parent = random() < 0.3 && all.length > 0 ? all[Math.floor(random() * all.length)] : chart;
        const c = random() < 0.5 ? obj(parent, `o${all.length}`) : new Construct(parent, `c${all.length}`);
        all.push(c);
      }
    }
    for (let k = 0; k < all.length * 1.5; k++) {
      const a = Math.floor(random() * all.length);
      const b = Math.floor(random() * all.length);
      if (a > b && !all[a].node.scopes.includes(all[b]) && !all[b].node.scopes.includes(all[a])) all[a].node.addDependency(all[b]);
    }

    // THEN
    for (const scope of [app, ...charts]) {
      expect(dependencyOrder(scope).map(c => c.node.path)).toEqual(new DependencyGraph(scope.node).topology().map(c => c.node.path));
    }
  });

  test('orders charts with numeric ids as cdk8s does (numeric ids first, by value)', () => {
    const app = new App();
    for (const id of ['10', 'b', '9', '007', '2', 'a']) obj(new Chart(app, id), 'o');
    const expected = new DependencyGraph(app.node).topology().map(c => c.node.path);
    expect(expected.filter(p => !p.includes('/'))).toEqual(['2', '9', '10', '', 'b', '007', 'a']);
    expect(dependencyOrder(app).map(c => c.node.path)).toEqual(expected);
  });

  test('matches a dependency on a construct of another app by path, as cdk8s does', () => {
    const app = new App();
    const chart = new Chart(app, 'chart');
    const a = obj(chart, 'a');
    const b = obj(chart, 'b');
    const other = new App();
    const twinOfB = obj(new Chart(other, 'chart'), 'b');
    a.addDependency(twinOfB);
    expect(b.node.path).toBe(twinOfB.node.path);
    expect(dependencyOrder(chart).map(c => c.node.path)).toEqual(new DependencyGraph(chart.node).topology().map(c => c.node.path));
    expect(dependencyOrder(chart).map(c => c.node.path)).toEqual(['chart', 'chart/b', 'chart/a']); // b is not an orphan: a depends on it through its twin
  });

  test('fails as cdk8s does when the dependencies have a cycle', () => {
    const app = new App();
    const chart = new Chart(app, 'chart');
    const a = obj(chart, 'a');
    const b = obj(chart, 'b');
    a.addDependency(b);
    b.addDependency(a);
    let expected = '';
    try {
      new DependencyGraph(chart.node).topology();
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/^Dependency cycle detected: /);
    expect(() => dependencyOrder(chart)).toThrow(expected);
  });
});
