import { Duration } from 'cdk8s';
import { ExperimentOptions } from './experiment';
import { goDuration } from './private/argo';
import { checkExperiment, renderExperiment } from './private/constructs/experiment';
import { assertMatchHeaderName } from './private/istio';
import { assertIntInRange } from './private/validate';
import { RolloutAnalysisOptions } from './rollout-analysis';
import { StringMatch } from './string-match';

/** What a step does. */
export enum CanaryStepKind {
  /** Sets the share of traffic sent to the canary. */
  SET_WEIGHT = 'setWeight',
  /** Waits for a duration, or until promoted. */
  PAUSE = 'pause',
  /** Scales the canary independently of its traffic weight. */
  SET_CANARY_SCALE = 'setCanaryScale',
  /** Runs an analysis and waits for its result. */
  ANALYSIS = 'analysis',
  /** Adds (or removes) a route that sends requests with matching headers to the canary. */
  SET_HEADER_ROUTE = 'setHeaderRoute',
  /** Adds (or removes) a route that mirrors matching requests to the canary. */
  SET_MIRROR_ROUTE = 'setMirrorRoute',
  /** Runs experiment ReplicaSets (for example a baseline and a canary) with analysis. */
  EXPERIMENT = 'experiment',
}

/** A header condition of a header route. */
export interface HeaderRouteMatch {
  /** The header name, lowercase (Istio matches lowercase header keys), e.g. `x-canary`. */
  readonly headerName: string;
  /** How its value is matched. */
  readonly value: StringMatch;
}

/** Options of `CanaryStep.headerRoute()`. */
export interface HeaderRouteOptions {
  /**
   * Name of the managed route Argo Rollouts creates (it must differ from the weighted routes' names).
   */
  readonly name: string;
  /**
   * Header conditions. A request that meets any one of them goes to the canary (100%): Argo Rollouts writes one match
   * entry per condition (rollout/trafficrouting/istio/istio.go, `createHeaderRoute`).
   */
  readonly match: HeaderRouteMatch[];
}

/** A request condition of a mirror route: every field given must match. */
export interface MirrorRouteMatch {
  /**
   * HTTP method, e.g. `StringMatch.exact('GET')`.
   * @default - any method
   */
  readonly method?: StringMatch;
  /**
   * Request path.
   * @default - any path
   */
  readonly path?: StringMatch;
  /**
   * Header conditions (lowercase names).
   * @default - no header condition
   */
  readonly headers?: { [headerName: string]: StringMatch };
}

/** Options of `CanaryStep.mirrorRoute()`. */
export interface MirrorRouteOptions {
  /**
   * Name of the managed route Argo Rollouts creates (it must differ from the weighted routes' names).
   */
  readonly name: string;
  /**
   * Share (0-100) of the matching requests copied to the canary. Responses of the copies are discarded.
   * @default 100
   */
  readonly percentage?: number;
  /**
   * Which requests are mirrored (any of the conditions). Mirroring is best-effort and duplicates
   * side effects, so prefer idempotent methods such as GET.
   * @default - every request (rendered as a path prefix "/", because a mirror step without `match`
   * removes the route)
   */
  readonly match?: MirrorRouteMatch[];
}

/** Options for `CanaryStep.canaryScale()`. Set exactly one field. */
export interface SetCanaryScaleOptions {
  /**
   * Absolute number of canary pods.
   * @default - not set
   */
  readonly replicas?: number;
  /**
   * Canary pods as a percentage of `replicas`.
   * @default - not set
   */
  readonly weight?: number;
  /**
   * Go back to scaling the canary with its traffic weight.
   * @default false
   */
  readonly matchTrafficWeight?: boolean;
}

/**
 * One step of a canary release. Each factory produces the Argo Rollouts step of the same name:
 * `weight()` → `setWeight`, `pause()` → `pause`, `canaryScale()` → `setCanaryScale`, `analysis()` →
 * `analysis`, `headerRoute()`/`removeHeaderRoute()` → `setHeaderRoute`, `mirrorRoute()`/`removeMirrorRoute()`
 * → `setMirrorRoute`, `experiment()` → `experiment`.
 *
 * (The factories drop Argo's `set` prefix because jsii reserves one-argument `setXxx` methods for Java
 * property setters, rule JSII5001.)
 *
 * @example
 * const steps = [
 *   CanaryStep.weight(10),
 *   CanaryStep.pause(Duration.minutes(2)),
 *   CanaryStep.weight(50),
 *   CanaryStep.pause(), // wait for `kubectl argo rollouts promote`
 * ];
 */
export class CanaryStep {
  /**
   * Sends `weight` percent of the traffic to the canary and scales it to match.
   *
   * @param weight integer percentage, 0 to 100
   * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
   */
  public static weight(weight: number): CanaryStep {
    assertIntInRange('weight', weight, 0, 100, 'it is the percentage of traffic sent to the canary (Argo Rollouts setWeight), for example CanaryStep.weight(20)');
    return new CanaryStep(CanaryStepKind.SET_WEIGHT, { render: { setWeight: weight }, trafficWeight: weight });
  }

  /**
   * Pauses the release.
   *
   * @param duration how long to wait; omit it to wait until someone promotes the release
   *                 (`kubectl argo rollouts promote` or Argo CD's "resume" action)
   */
  public static pause(duration?: Duration): CanaryStep {
    if (duration === undefined) {
      return new CanaryStep(CanaryStepKind.PAUSE, { render: { pause: {} } });
    }
    const ms = duration.toMilliseconds();
    if (ms < 1000 || ms % 1000 !== 0) {
      throw new Error(`'pause' duration (${duration.toHumanString()}) must be a whole number of seconds, at least 1 second: `
        + 'Argo Rollouts truncates pause durations to seconds. Use Duration.seconds(n) or Duration.minutes(n), '
        + 'or CanaryStep.pause() without a duration to wait for a manual promotion');
    }
    return new CanaryStep(CanaryStepKind.PAUSE, { render: { pause: { duration: goDuration(duration) } }, pauseDuration: duration });
  }

  /**
   * Scales the canary independently of the traffic weight (needs traffic routing, which the library
   * always configures).
   */
  public static canaryScale(options: SetCanaryScaleOptions): CanaryStep {
    const set = [options.replicas !== undefined, options.weight !== undefined, options.matchTrafficWeight === true].filter(x => x).length;
    if (set !== 1) {
      throw new Error(`'canaryScale' needs exactly one of 'replicas', 'weight' or 'matchTrafficWeight: true' (received ${JSON.stringify(options)})`);
    }
    if (options.replicas !== undefined) assertIntInRange('canaryScale.replicas', options.replicas, 0, 10_000);
    if (options.weight !== undefined) assertIntInRange('canaryScale.weight', options.weight, 0, 100, 'it is a percentage of the Rollout replicas');
    return new CanaryStep(CanaryStepKind.SET_CANARY_SCALE, { render: { setCanaryScale: { ...options } } });
  }

  /**
   * Runs an analysis and waits for its result: the release continues when it succeeds, aborts when it
   * fails and pauses when it is inconclusive. Every metric must finish (have a `count`).
   */
  public static analysis(options: RolloutAnalysisOptions): CanaryStep {
    if (options.templates.length === 0) {
      throw new Error("'analysis' step: 'templates' is empty: give at least one AnalysisTemplate");
    }
    return new CanaryStep(CanaryStepKind.ANALYSIS, { analysisOptions: { ...options, templates: [...options.templates] } });
  }

  /**
   * Sends requests whose headers match to the canary, whatever the traffic weight: testers reach the
   * canary before users do. Argo Rollouts adds the route on top of the VirtualService and removes it at
   * the end of the release (or on abort). The route name becomes a `managedRoutes` entry automatically.
   */
  public static headerRoute(options: HeaderRouteOptions): CanaryStep {
    assertRouteName('headerRoute', options.name);
    if (options.match.length === 0) {
      throw new Error(`'headerRoute' "${options.name}": 'match' is empty: give at least one header condition, `
        + `or use CanaryStep.removeHeaderRoute('${options.name}') to remove the route`);
    }
    const match = options.match.map(m => {
      assertMatchHeaderName(`headerRoute "${options.name}"`, m.headerName);
      return { headerName: m.headerName, headerValue: m.value._toKube() };
    });
    return new CanaryStep(CanaryStepKind.SET_HEADER_ROUTE, { render: { setHeaderRoute: { name: options.name, match } }, routeName: options.name });
  }

  /** Removes a header route added by an earlier `setHeaderRoute` step. */
  public static removeHeaderRoute(name: string): CanaryStep {
    assertRouteName('removeHeaderRoute', name);
    return new CanaryStep(CanaryStepKind.SET_HEADER_ROUTE, { render: { setHeaderRoute: { name } }, routeName: name });
  }

  /**
   * Copies a share of the matching requests to the canary (shadow traffic), while responses still come
   * from the weighted route. The route name becomes a `managedRoutes` entry automatically.
   */
  public static mirrorRoute(options: MirrorRouteOptions): CanaryStep {
    assertRouteName('mirrorRoute', options.name);
    const percentage = options.percentage ?? 100;
    if (typeof percentage !== 'number' || !(percentage >= 0 && percentage <= 100)) {
      throw new Error(`'mirrorRoute' "${options.name}": 'percentage' (${percentage}) must be between 0 and 100: it is the share of matching `
        + 'requests copied to the canary');
    }
    const match = (options.match ?? []).map((m, i) => {
      if (!m.method && !m.path && !m.headers) {
        throw new Error(`'mirrorRoute' "${options.name}": match[${i}] is empty: set 'method', 'path' or 'headers', or leave 'match' out to mirror every request`);
      }
      for (const h of Object.keys(m.headers ?? {})) assertMatchHeaderName(`mirrorRoute "${options.name}"`, h);
      return {
        ...(m.method ? { method: m.method._toKube() } : {}),
        ...(m.path ? { path: m.path._toKube() } : {}),
        ...(m.headers ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v._toKube()])) } : {}),
      };
    });
    // Argo Rollouts reads a mirror step without `match` as "remove the route": mirror everything with a
    // path prefix "/" instead.
    return new CanaryStep(CanaryStepKind.SET_MIRROR_ROUTE, {
      routeName: options.name,
      render: {
        setMirrorRoute: { name: options.name, percentage, match: match.length > 0 ? match : [{ path: { prefix: '/' } }] },
      },
    });
  }

  /** Removes a mirror route added by an earlier `setMirrorRoute` step. */
  public static removeMirrorRoute(name: string): CanaryStep {
    assertRouteName('removeMirrorRoute', name);
    return new CanaryStep(CanaryStepKind.SET_MIRROR_ROUTE, { render: { setMirrorRoute: { name } }, routeName: name });
  }

  /**
   * Runs experiment ReplicaSets, for example a baseline from the stable template next to a canary, with
   * analyses that compare them.
   */
  public static experiment(options: ExperimentOptions): CanaryStep {
    checkExperiment(options);
    return new CanaryStep(CanaryStepKind.EXPERIMENT, { render: renderExperiment(options) });
  }

  /** What this step does. */
  public readonly kind: CanaryStepKind;
  /**
   * The managed route a header or mirror route step adds or removes.
   * @default - not a route step
   */
  public readonly routeName?: string;
  /**
   * The traffic weight (percent) of a `setWeight` step.
   * @default - not a setWeight step
   */
  public readonly trafficWeight?: number;
  /**
   * The duration of a timed pause.
   * @default - not a timed pause
   */
  public readonly pauseDuration?: Duration;
  /**
   * The analysis of an `analysis` step.
   * @default - not an analysis step
   */
  public readonly analysisOptions?: RolloutAnalysisOptions;
  private readonly render: any;

  private constructor(kind: CanaryStepKind, fields: StepFields) {
    this.kind = kind;
    this.routeName = fields.routeName;
    this.render = fields.render;
    this.trafficWeight = fields.trafficWeight;
    this.pauseDuration = fields.pauseDuration;
    this.analysisOptions = fields.analysisOptions;
  }

  /** True for a pause without a duration (waits for a manual promotion). */
  public get isManualPause(): boolean {
    return this.kind === CanaryStepKind.PAUSE && this.pauseDuration === undefined;
  }

  /**
   * The step as Argo Rollouts reads it (analysis steps are rendered by the Rollout, which knows the
   * argument values).
   * @internal
   */
  public _toKube(): any {
    return this.render;
  }
}

function assertRouteName(method: string, name: string): void {
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw new Error(`'${method}' route name ("${name}") must be a DNS-1123 label (lowercase letters, digits and '-'), for example "canary-by-header"`);
  }
}


/** What a factory of `CanaryStep` gives the step besides its kind. */
interface StepFields {
  /** The step as Argo Rollouts reads it (none for an analysis step, which the Rollout renders). */
  readonly render?: any;
  readonly trafficWeight?: number;
  readonly pauseDuration?: Duration;
  readonly analysisOptions?: RolloutAnalysisOptions;
  readonly routeName?: string;
}
