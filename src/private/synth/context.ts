// One synth of an app: `CanaryApp.renderFiles()`, or `synth()` / `synthYaml()` of any other App that holds constructs
// of this library (app-rules.ts runs them in a context). A synth validates and renders the whole app in one go, during
// which the construct tree does not change. What several constructs compute over the same subtrees (the list of a
// subtree's constructs, an object's JSON, the rule run over the app, the Argo CD Applications' overlap index) is then
// computed once and kept for that synth only, the way cdk8s-core passes its SynthRequestCache to validation and
// dependency resolution. CanaryApp passes the context to its own steps; a construct's validation (which cdk8s calls
// without arguments) finds it through its app. Outside a synth every value is computed when asked. Not exported from
// the package.
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

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
  private readonly results = new Map<string, unknown>();
  private readonly validations = new Map<() => string[], string[]>();

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

  /** The errors of a validation of a construct, computed once per synth (cdk8s validates the app once per chart). */
  public validation(validate: () => string[]): string[] {
    let errors = this.validations.get(validate);
    if (!errors) {
      errors = validate();
      this.validations.set(validate, errors);
    }
    return errors;
  }

  /** A result over the whole app that several validations read (the rule run, the Argo CD overlap index), built by `build` on the first call for `key`. */
  public result<T>(key: string, build: () => T): T {
    if (!this.results.has(key)) this.results.set(key, build());
    return this.results.get(key) as T;
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

/**
 * Adds a validation to a construct of this library that runs once per synth of its app (every time outside one): what
 * it reads does not change during a synth.
 */
export function addValidationOnce(c: IConstruct, validate: () => string[]): void {
  c.node.addValidation({ validate: () => SynthContext.of(c)?.validation(validate) ?? validate() });
}
