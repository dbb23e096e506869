// One synth of a CanaryApp (`renderFiles()`): it validates and renders the whole app in one go, during which the
// construct tree does not change. What several constructs compute over the same subtrees (the list of a subtree's
// constructs, an object's JSON, the Argo CD Applications' overlap index) is then computed once and kept for that
// synth only, the way cdk8s-core passes its SynthRequestCache to validation and dependency resolution. CanaryApp passes
// the context to its own steps; a construct's validation (which cdk8s calls without arguments) finds it through its
// app. Outside a synth every value is computed when asked. Not exported from the package.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { ArgoCdOverlapIndex } from '../constructs/argocd-overlaps';

/** The contexts of the synths running now, by app. */
const RUNNING = new WeakMap<IConstruct, SynthContext>();

/** What one synth of an app computes once. */
export class SynthContext {
  /**
   * The context of the synth running on the app of `scope`.
   * @returns undefined outside a synth
   */
  public static of(scope: IConstruct): SynthContext | undefined {
    return RUNNING.get(scope.node.root);
  }

  /** Runs `synth` with a new context for `app` (or with the running one, when a synth of `app` is running). */
  public static run<T>(app: IConstruct, synth: (ctx: SynthContext) => T): T {
    const running = RUNNING.get(app);
    if (running) return synth(running);
    const ctx = new SynthContext();
    RUNNING.set(app, ctx);
    try {
      return synth(ctx);
    } finally {
      RUNNING.delete(app);
    }
  }

  private readonly subtrees = new Map<IConstruct, IConstruct[]>();
  private readonly manifests = new Map<ApiObject, any>();
  private overlaps?: ArgoCdOverlapIndex;

  private constructor() {}

  /** `scope.node.findAll()` (pre-order): the app's validation, its output, the rules and the Argo CD Applications list the same subtrees. */
  public findAll(scope: IConstruct): IConstruct[] {
    let all = this.subtrees.get(scope);
    if (!all) {
      all = scope.node.findAll();
      this.subtrees.set(scope, all);
    }
    return all;
  }

  /** `o.toJson()`: the rules, the Argo CD Applications that deploy the object and the output file read the same JSON. */
  public toJson(o: ApiObject): any {
    if (!this.manifests.has(o)) this.manifests.set(o, o.toJson());
    return this.manifests.get(o);
  }

  /** The overlap index of the app's Argo CD Applications, built by `build` on the first call. */
  public argoCdOverlapIndex(build: () => ArgoCdOverlapIndex): ArgoCdOverlapIndex {
    this.overlaps ??= build();
    return this.overlaps;
  }
}

/** The constructs under `scope` (itself included), pre-order; the list is shared during a synth: do not modify it. */
export function findAll(scope: IConstruct): IConstruct[] {
  return SynthContext.of(scope)?.findAll(scope) ?? scope.node.findAll();
}

/** The JSON of an API object (JSON patches applied); the value is shared during a synth: do not modify it. */
export function toJson(o: ApiObject): any {
  return SynthContext.of(o)?.toJson(o) ?? o.toJson();
}
