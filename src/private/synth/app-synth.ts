// Linear synth for any cdk8s App that holds constructs of this library (a plain `App`, also under the `cdk8s synth`
// CLI), without changing what it writes.
//
// `App.synth()` and `App.synthYaml()` validate the whole app and resolve its dependencies once, then call
// `Chart.toJson()` for every chart, and cdk8s-core's `Chart.toJson()` (`App._synthChart`) validates the whole app and
// resolves its dependencies again before it orders the chart's objects: N charts cost N whole-app passes (193 s for 300
// services with one Argo CD Application each). Inside one synth() or synthYaml() call of this app, where the tree does
// not change, those repetitions give what the first pass gave; so, for the duration of the call only:
// - the call runs in one SynthContext (what validations compute over the app is computed once: src/private/synth/
//   context.ts);
// - each chart whose `toJson` is cdk8s's own answers with its objects in cdk8s's dependency order
//   (dependency-order.ts, linear) rendered with `ApiObject.toJson()`: what `App._synthChart` returns after its
//   repeated passes.
// Only this app object's methods are wrapped (not the App class); a call through jsii from another language reaches
// the class's method and gets cdk8s's own behaviour. Not exported from the package.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SynthContext } from './context';
import { chartObjects } from './dependency-order';

/** The synth methods of cdk8s's App that validate per chart. */
const SYNTH_METHODS = ['synth', 'synthYaml'];

/** Makes `synth()` and `synthYaml()` of this app (the tree root) linear, for as long as the app lives. */
export function joinSynths(root: IConstruct): void {
  for (const method of SYNTH_METHODS) {
    const original = (root as any)[method];
    if (typeof original !== 'function') continue;
    Object.defineProperty(root, method, {
      configurable: true,
      writable: true,
      enumerable: false,
      value: function (this: unknown, ...args: unknown[]) {
        return SynthContext.run(root, ctx => withChartsRendered(ctx.findAll(root), () => original.apply(this, args)));
      },
    });
  }
}

/** Runs `synth` with every chart of `all` whose `toJson` is cdk8s's own rendering its objects without a new pass. */
function withChartsRendered<T>(all: IConstruct[], synth: () => T): T {
  const charts = all.filter((c): c is Chart => Chart.isChart(c) && c.toJson === Chart.prototype.toJson && !Object.prototype.hasOwnProperty.call(c, 'toJson'));
  for (const chart of charts) {
    Object.defineProperty(chart, 'toJson', {
      configurable: true,
      writable: true,
      enumerable: false,
      value: () => chartObjects(chart).map((o: ApiObject) => o.toJson()),
    });
  }
  try {
    return synth();
  } finally {
    for (const chart of charts) delete (chart as any).toJson;
  }
}
