// Internal: the order in which cdk8s writes constructs (`new DependencyGraph(scope.node).topology()`),
// computed in linear time. cdk8s's own graph re-walks shared dependencies and builds path strings and
// arrays for every vertex and edge; on a fleet of a thousand charts that is a visible part of synth.
import { DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The constructs under `scope` (itself included) in the order `DependencyGraph(scope.node).topology()`
 * returns them: a depth-first post-order over the dependencies between constructs of the subtree,
 * starting from the constructs nothing depends on, in the order cdk8s keeps them. Dependencies on
 * constructs outside the subtree are ignored, as cdk8s does. When the dependencies have a cycle, cdk8s's
 * own graph is used, so that the error is the one cdk8s gives.
 */
export function dependencyOrder(scope: IConstruct): IConstruct[] {
  const all = scope.node.findAll();
  // cdk8s keys its vertices by path in a plain object; its orphan order is that object's key order
  // (integer-like keys first), so the same object gives the same order.
  const byPath: { [path: string]: number } = {};
  all.forEach((c, i) => {
    byPath[c.node.path] = i;
  });
  const outbound: number[][] = all.map(() => []);
  const hasInbound = new Uint8Array(all.length);
  all.forEach((c, i) => {
    for (const dep of c.node.dependencies) {
      const j = byPath[dep.node.path];
      if (j === undefined) continue;
      if (!outbound[i].includes(j)) outbound[i].push(j);
      hasInbound[j] = 1;
    }
  });

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
    for (const j of outbound[i]) visit(j);
    state[i] = DONE;
    order.push(all[i]);
  };
  for (const i of Object.values(byPath)) {
    if (!hasInbound[i]) visit(i);
  }
  if (cycle || order.length !== all.length) return new DependencyGraph(scope.node).topology();
  return order;
}
