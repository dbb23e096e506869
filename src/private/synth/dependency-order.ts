// The order in which cdk8s writes constructs (`new DependencyGraph(scope.node).topology()`), computed in linear time.
// cdk8s's own graph re-walks shared dependencies and builds path strings and arrays for every vertex and edge: on a
// fleet of a thousand charts that took about 200 ms of a synth (about 15 ms here). CanaryApp needs the order because it
// writes the files itself (all-or-nothing output). It copies one behaviour of cdk8s-core's DependencyGraph (src/
// dependency.ts: the vertices are kept in a plain object keyed by path, so array-index-like ids come first); a property
// test compares the two on random trees. Delete this file when cdk8s orders in linear time.
// Not exported from the package.
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { findAll } from './context';

/**
 * The constructs under `scope` (itself included) in the order `DependencyGraph(scope.node).topology()`
 * returns them: a depth-first post-order over the dependencies between constructs of the subtree,
 * starting from the constructs nothing depends on, in the order cdk8s keeps them. Dependencies on
 * constructs outside the subtree are ignored, as cdk8s does. When the dependencies have a cycle, cdk8s's
 * own graph is used, so that the error is the one cdk8s gives.
 */
export function dependencyOrder(scope: IConstruct): IConstruct[] {
  const all = findAll(scope);
  // The dependencies of each construct (most have none), then an index of the constructs they point to.
  const depsOf: Array<IConstruct[] | undefined> = new Array(all.length);
  const targets = new Set<IConstruct>();
  all.forEach((c, i) => {
    const deps = c.node.dependencies;
    if (deps.length === 0) return;
    depsOf[i] = deps;
    deps.forEach(d => targets.add(d));
  });
  const index = new Map<IConstruct, number>();
  if (targets.size > 0) {
    all.forEach((c, i) => {
      if (targets.has(c)) index.set(c, i);
    });
  }
  // cdk8s finds a dependency's vertex by path; inside one construct tree a path is unique, so only a
  // dependency on a construct outside the subtree needs the path (it matches nothing, unless another tree
  // has a construct at the same path).
  let byPath: { [path: string]: number } | undefined;
  const lookup = (dep: IConstruct): number | undefined => {
    const i = index.get(dep);
    if (i !== undefined) return i;
    if (!byPath) {
      byPath = {};
      all.forEach((c, k) => {
        byPath![c.node.path] = k;
      });
    }
    return byPath[dep.node.path];
  };
  const outbound: Array<number[] | undefined> = new Array(all.length);
  const hasInbound = new Uint8Array(all.length);
  depsOf.forEach((deps, i) => {
    const out: number[] = [];
    for (const dep of deps!) {
      const j = lookup(dep);
      if (j === undefined) continue;
      if (!out.includes(j)) out.push(j);
      hasInbound[j] = 1;
    }
    outbound[i] = out;
  });

  // cdk8s keeps its vertices in a plain object keyed by path and takes the constructs nothing depends on in
  // that object's key order: keys that are array indices ("0", "12": only the ids of the tree root's
  // children can be) first, in numeric order, then the others in insertion (tree) order.
  const root = scope.node.root;
  const indexLike: number[] = [];
  const others: number[] = [];
  all.forEach((c, i) => {
    if (hasInbound[i]) return;
    (c.node.scope === root && isArrayIndexId(c) ? indexLike : others).push(i);
  });
  indexLike.sort((a, b) => Number(all[a].node.id) - Number(all[b].node.id));

  const DONE = 2;
  const ACTIVE = 1;
  const state = new Uint8Array(all.length);
  const order: IConstruct[] = [];
  let cycle = false;
  const visit = (i: number): void => {
    if (state[i] === DONE || cycle) return;
    if (state[i] === ACTIVE) {
      cycle = true;
      return;
    }
    state[i] = ACTIVE;
    for (const j of outbound[i] ?? []) visit(j);
    state[i] = DONE;
    order.push(all[i]);
  };
  for (const i of indexLike) visit(i);
  for (const i of others) visit(i);
  if (cycle || order.length !== all.length) return new DependencyGraph(scope.node).topology();
  return order;
}

/**
 * Whether the id of a child of the tree root is an array index ("0" … "4294967294"): its path is the id, which
 * a plain object orders first (deeper paths contain "/").
 */
function isArrayIndexId(c: IConstruct): boolean {
  const id = c.node.id;
  return /^(0|[1-9][0-9]*)$/.test(id) && Number(id) < 4294967295;
}

/** The ApiObjects of a chart, in dependency order (as cdk8s orders them). */
export function chartObjects(chart: Chart): ApiObject[] {
  return dependencyOrder(chart)
    .filter((x: IConstruct): x is ApiObject => x instanceof ApiObject)
    .filter(x => Chart.of(x) === chart);
}
