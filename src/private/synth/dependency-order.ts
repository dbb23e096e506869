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
  const { outbound, hasInbound } = dependencyEdges(all);
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
  const order = postOrder(outbound, [...indexLike, ...others]).map(i => all[i]);
  if (order.length !== all.length) return new DependencyGraph(scope.node).topology(); // a cycle: cdk8s's own error
  return order;
}

/**
 * The dependencies between the constructs of `all`, as indexes into it: what each one depends on (once each), and
 * whether something depends on it. cdk8s finds a dependency by path, so a dependency on a construct of another tree
 * at the same path counts; one that matches nothing is left out.
 */
function dependencyEdges(all: IConstruct[]): { outbound: number[][]; hasInbound: boolean[] } {
  const index = new Map(all.map((c, i) => [c, i]));
  let byPath: Map<string, number> | undefined; // built for the first dependency outside the subtree
  const lookup = (dep: IConstruct) => index.get(dep) ?? (byPath ??= new Map(all.map((c, i) => [c.node.path, i]))).get(dep.node.path);
  const hasInbound = all.map(() => false);
  const outbound = all.map(c => {
    const out: number[] = [];
    for (const dep of c.node.dependencies) {
      const j = lookup(dep);
      if (j === undefined) continue;
      if (!out.includes(j)) out.push(j);
      hasInbound[j] = true;
    }
    return out;
  });
  return { outbound, hasInbound };
}

/** A depth-first post-order over `outbound` from `starts`; it stops early (fewer vertices) at a cycle. */
function postOrder(outbound: number[][], starts: number[]): number[] {
  const ACTIVE = 1;
  const DONE = 2;
  const state = new Uint8Array(outbound.length);
  const order: number[] = [];
  let cycle = false;
  const visit = (i: number): void => {
    if (state[i] === DONE || cycle) return;
    if (state[i] === ACTIVE) {
      cycle = true;
      return;
    }
    state[i] = ACTIVE;
    for (const j of outbound[i]) visit(j);
    state[i] = DONE;
    order.push(i);
  };
  for (const i of starts) visit(i);
  return cycle ? [] : order;
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
