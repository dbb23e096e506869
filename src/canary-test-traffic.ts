import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisMetric } from './analysis-metric';
import { CanaryStep } from './canary-step';
import { goDuration } from './private/argo';
import { loadPlan, loadRate, loadScript, SAFE_PATH, SAFE_TOKEN, smokeScript, TestTarget } from './private/constructs/test-traffic';
import { assertDnsLabel, assertPinnedImage } from './private/k8s';
import { TEST_ANNOTATIONS } from './private/metric-providers/job';
import { assertIntInRange } from './private/validate';
import { StringMatch } from './string-match';

/** Properties of `CanaryTestTraffic`. */
export interface CanaryTestTrafficProps {
  /** The Service whose canary the tests call (the `CanaryService` name). */
  readonly serviceName: string;
  /** Its namespace (where the Rollout and its AnalysisRuns run). */
  readonly namespace: string;
  /**
   * The Service port the tests call (the port of the canary route).
   *
   * @default 80
   */
  readonly port?: number;
  /**
   * The name of the header route (a managed route of the Rollout).
   *
   * @default 'canary-tests'
   */
  readonly routeName?: string;
  /**
   * The header that sends a request to the canary. Lowercase: Istio matches lowercase header names.
   *
   * @default 'x-canary-test'
   */
  readonly headerName?: string;
  /**
   * The header's value (matched exactly).
   *
   * @default - the route name
   */
  readonly headerValue?: string;
  /**
   * The image of the test Jobs: it needs `sh`, `timeout` and curl 7.84 or later (for `--rate`), and runs as uid 100.
   *
   * @default CanaryTestTraffic.DEFAULT_IMAGE
   */
  readonly image?: string;
}

/** Options of `CanaryTestTraffic.smokeTest()`. */
export interface SmokeTestOptions {
  /**
   * The metric name.
   *
   * @default 'smoke-test'
   */
  readonly name?: string;
  /**
   * The paths to request once each; every answer must be 2xx or 3xx.
   *
   * @default ['/']
   */
  readonly paths?: string[];
  /**
   * How long one request may take.
   *
   * @default Duration.seconds(10)
   */
  readonly requestTimeout?: Duration;
  /**
   * The longest the Job may run, pod start-up included; then it fails (and the release aborts).
   *
   * @default Duration.minutes(3)
   */
  readonly activeDeadline?: Duration;
}

/** Options of `CanaryTestTraffic.loadTest()`. */
export interface LoadTestOptions {
  /**
   * The metric name.
   *
   * @default 'load-test'
   */
  readonly name?: string;
  /**
   * The path to request.
   *
   * @default '/'
   */
  readonly path?: string;
  /** The request rate sent to the canary, in requests per second (whole number, 1 to 1,000). */
  readonly requestsPerSecond: number;
  /** How long the load runs (whole seconds, at most 6 hours). */
  readonly duration: Duration;
  /**
   * Parallel request loops. Each sends its share one request after the other, so one loop keeps its rate only while
   * answers take less than `workers / requestsPerSecond` seconds.
   *
   * @default - one loop per 5 requests per second (each keeps its rate up to 200 ms per answer)
   */
  readonly workers?: number;
  /**
   * Delay before the load starts, from the start of the analysis run.
   *
   * @default - none
   */
  readonly initialDelay?: Duration;
  /**
   * How long one request may take.
   *
   * @default Duration.seconds(10)
   */
  readonly requestTimeout?: Duration;
}

/** Pod start-up (image pull, sidecar) allowed on top of a load test's duration. */
const STARTUP_SECONDS = 120;

/**
 * Test traffic that reaches **only the canary**: a header route that Argo Rollouts puts at the top of the
 * VirtualService with the canary subset as its only destination, and Job metrics whose requests carry the header.
 * The Jobs run with an Istio sidecar, which applies the route; stable pods never see the test traffic.
 *
 * Put `headerRoute()` in the steps before the analyses that run the tests (rule CR323 checks it):
 * - `smokeTest()`: one request per path; for an analysis step before any user reaches the canary (give the canary
 *   pods first, e.g. `CanaryStep.canaryScale({ replicas: 1 })`).
 * - `loadTest()`: a fixed request rate for a duration, in the background analysis, so the canary has the traffic its
 *   metrics need (the rollout plan shows the load window and the requests it guarantees per query window).
 *
 * The Jobs run `sh` and `curl` (image `CanaryTestTraffic.DEFAULT_IMAGE`), stop the sidecar when done, and ask Istio
 * to start the sidecar first (`holdApplicationUntilProxyStarts`).
 *
 * @example
 * const tests = new CanaryTestTraffic({ serviceName: 'shop', namespace: 'shop' });
 * const smoke = new AnalysisTemplate(this, 'smoke', { metrics: [tests.smokeTest({ paths: ['/healthz', '/'] })] });
 * const steps = [CanaryStep.canaryScale({ replicas: 1 }), tests.headerRoute(), CanaryStep.analysis({ templates: [smoke] }), ...];
 */
export class CanaryTestTraffic {
  /**
   * curlimages/curl 8.10.1 (the curl project's image, Alpine with busybox), pinned by the digest of its multi-arch
   * index.
   */
  public static readonly DEFAULT_IMAGE = 'curlimages/curl:8.10.1@sha256:d9b4541e214bcd85196d6e92e2753ac6d0ea699f0af5741f8c6cccbfcf00ef4b';

  /** The header route's name. */
  public readonly routeName: string;
  /** The header name. */
  public readonly headerName: string;
  /** The header value. */
  public readonly headerValue: string;
  /** The base URL the tests call: `http://<service>.<namespace>.svc.cluster.local:<port>`. */
  public readonly baseUrl: string;
  private readonly image: string;

  public constructor(props: CanaryTestTrafficProps) {
    assertDnsLabel('serviceName', props.serviceName);
    assertDnsLabel('namespace', props.namespace);
    const port = props.port ?? 80;
    assertIntInRange('port', port, 1, 65535);
    this.routeName = props.routeName ?? 'canary-tests';
    assertDnsLabel('routeName', this.routeName);
    this.headerName = props.headerName ?? 'x-canary-test';
    if (!/^[a-z0-9-]+$/.test(this.headerName)) {
      throw new Error(`'headerName' ("${this.headerName}") must be lowercase letters, digits and '-' (Istio matches lowercase header names), for example "x-canary-test"`);
    }
    this.headerValue = props.headerValue ?? this.routeName;
    if (!SAFE_TOKEN.test(this.headerValue)) {
      throw new Error(`'headerValue' ("${this.headerValue}") must be letters, digits or . _ ~ + = : / @ - (it is sent by a shell script), for example "canary-tests"`);
    }
    this.image = props.image ?? CanaryTestTraffic.DEFAULT_IMAGE;
    assertPinnedImage('image', this.image);
    this.baseUrl = `http://${props.serviceName}.${props.namespace}.svc.cluster.local:${port}`;
  }

  /** The step that adds the header route (a `setHeaderRoute` step; the route becomes a managed route of the Rollout). */
  public headerRoute(): CanaryStep {
    return CanaryStep.headerRoute({ name: this.routeName, match: [{ headerName: this.headerName, value: StringMatch.exact(this.headerValue) }] });
  }

  /**
   * A Job metric that requests each path once through the header route and fails unless every answer is 2xx or
   * 3xx. Measured once.
   */
  public smokeTest(options: SmokeTestOptions = {}): AnalysisMetric {
    const name = options.name ?? 'smoke-test';
    const paths = options.paths ?? ['/'];
    if (paths.length === 0) throw new Error(`smoke test '${name}': 'paths' is empty: give at least one path, for example ['/healthz']`);
    for (const p of paths) this.assertPath(name, 'paths', p);
    const script = smokeScript(this.target(name, options.requestTimeout), paths);
    return this.jobMetric(name, script, options.activeDeadline ?? Duration.minutes(3), {}, undefined);
  }

  /**
   * A Job metric that sends `requestsPerSecond` to the canary for `duration` through the header route, then
   * completes (measured once). It never fails the analysis itself: the canary's own metrics judge the answers. Put it
   * in the background analysis next to them; the rollout plan shows its window and the requests it guarantees.
   */
  public loadTest(options: LoadTestOptions): AnalysisMetric {
    const name = options.name ?? 'load-test';
    const path = options.path ?? '/';
    this.assertPath(name, 'path', path);
    const rps = options.requestsPerSecond;
    assertIntInRange(`load test '${name}' requestsPerSecond`, rps, 1, 1000, 'a whole number of requests per second');
    const seconds = options.duration.toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 6 * 3600) {
      throw new Error(`load test '${name}': 'duration' (${options.duration.toHumanString()}) must be whole seconds between 1 second and 6 hours`);
    }
    const workers = options.workers ?? Math.ceil(rps / 5);
    assertIntInRange(`load test '${name}' workers`, workers, 1, Math.min(rps * 60, 100), 'parallel request loops');
    const plan = loadPlan(path, rps, workers, seconds);
    const script = loadScript(this.target(name, options.requestTimeout), plan);
    return this.jobMetric(name, script, Duration.seconds(seconds + STARTUP_SECONDS), {
      [TEST_ANNOTATIONS.LOAD_RATE]: String(loadRate(plan)),
      [TEST_ANNOTATIONS.LOAD_DURATION]: goDuration(options.duration),
    }, options.initialDelay);
  }

  private target(name: string, timeout: Duration | undefined): TestTarget {
    const seconds = (timeout ?? Duration.seconds(10)).toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 300) {
      throw new Error(`test '${name}': 'requestTimeout' (${timeout?.toHumanString()}) must be whole seconds between 1 second and 5 minutes`);
    }
    return { baseUrl: this.baseUrl, headerName: this.headerName, headerValue: this.headerValue, requestTimeoutSeconds: seconds };
  }

  private assertPath(name: string, prop: string, path: string): void {
    if (typeof path !== 'string' || !SAFE_PATH.test(path)) {
      throw new Error(`test '${name}': '${prop}' ("${path}") must start with '/' and hold no quotes, spaces, '$', '\`', '\\' or '#' (it goes into a shell script), `
        + 'for example "/healthz"');
    }
  }

  private jobMetric(name: string, script: string, deadline: Duration, annotations: { [key: string]: string },
    initialDelay: Duration | undefined): AnalysisMetric {
    return AnalysisMetric.job({
      name,
      initialDelay,
      activeDeadline: deadline,
      container: {
        name: 'test',
        image: this.image,
        command: ['sh', '-c', script],
        // curlimages/curl runs as curl_user, uid 100: a numeric uid lets Kubernetes verify runAsNonRoot
        securityContext: { user: 100, group: 101 },
        resources: {
          cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
        },
      },
      podLabels: { 'sidecar.istio.io/inject': 'true' },
      podAnnotations: { 'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}' },
      jobAnnotations: {
        [TEST_ANNOTATIONS.ROUTE]: this.routeName,
        [TEST_ANNOTATIONS.HEADER]: `${this.headerName}: ${this.headerValue}`,
        ...annotations,
      },
    });
  }
}
