// The shell scripts of canary test Jobs (`CanaryTestTraffic`): POSIX sh and curl only, so that the same command runs
// in the curlimages/curl image (busybox sh, curl 8) and on any machine with sh and curl 7.84+ (for --rate), which is
// how the tests run it against a local server. Every value that goes into a script is checked to be free of shell
// metacharacters first. Not exported from the package.

/** What both scripts need: where the requests go and the header that routes them to the canary. */
export interface TestTarget {
  /** Base URL without trailing slash: `http://shop.shop.svc.cluster.local:80`. */
  readonly baseUrl: string;
  readonly headerName: string;
  readonly headerValue: string;
  readonly requestTimeoutSeconds: number;
}

/** A path the scripts may request: starts with '/', no quotes, spaces, '$', '`', '\' or '#'. */
export const SAFE_PATH = /^\/[A-Za-z0-9._~%/?=&+,:@!*()-]*$/;
/** A header value or route name the scripts may send: no quotes, spaces or shell metacharacters. */
export const SAFE_TOKEN = /^[A-Za-z0-9._~+=:/@-]+$/;

/** Stops the Istio sidecar so that the Job can complete (pilot-agent's quit endpoint); harmless without one. */
const QUIT_SIDECAR = "curl -sS -X POST --max-time 5 'http://127.0.0.1:15020/quitquitquit' >/dev/null 2>&1 || true";

function curlBase(t: TestTarget, writeOut: string): string {
  return `curl -sS -o /dev/null -w '${writeOut}' --max-time ${t.requestTimeoutSeconds} -H '${t.headerName}: ${t.headerValue}'`;
}

/** One request per path; the Job fails when any answer is not 2xx/3xx (or no answer). */
export function smokeScript(t: TestTarget, paths: string[]): string {
  return [
    'failed=0',
    `for path in ${paths.map(p => `'${p}'`).join(' ')}; do`,
    `  code=$(${curlBase(t, '%{http_code}')} "${t.baseUrl}$path") || true`,
    '  echo "smoke $path: HTTP $code"',
    '  case "$code" in 2??|3??) ;; *) failed=1 ;; esac',
    'done',
    QUIT_SIDECAR,
    'exit "$failed"',
  ].join('\n');
}

/** What a load script does. */
export interface LoadPlan {
  readonly path: string;
  readonly workers: number;
  /** Requests per minute of each worker (curl --rate takes whole numbers). */
  readonly perWorkerPerMinute: number;
  readonly durationSeconds: number;
}

/** The load's plan: `workers` curl loops at `floor(rps × 60 / workers)` requests a minute each, for the duration. */
export function loadPlan(path: string, requestsPerSecond: number, workers: number, durationSeconds: number): LoadPlan {
  return { path, workers, perWorkerPerMinute: Math.floor((requestsPerSecond * 60) / workers), durationSeconds };
}

/** The rate the load keeps when answers come in time: workers × per-worker rate. */
export function loadRate(plan: LoadPlan): number {
  return (plan.workers * plan.perWorkerPerMinute) / 60;
}

/**
 * `workers` parallel curl processes, each sending its share at a fixed rate (`--rate N/m`) for the duration (a URL
 * glob in the fragment repeats the request without changing it; `timeout` ends a worker slowed down by slow answers).
 * Prints a count per status code. Exits 0: the canary's own metrics judge the answers, the load only makes traffic.
 */
export function loadScript(t: TestTarget, plan: LoadPlan): string {
  const perWorker = Math.max(1, Math.ceil((plan.perWorkerPerMinute * plan.durationSeconds) / 60));
  return [
    'load() {',
    `  timeout ${plan.durationSeconds} ${curlBase(t, '%{http_code}\\n')} --rate ${plan.perWorkerPerMinute}/m "${t.baseUrl}${plan.path}#[1-${perWorker}]" 2>/dev/null`,
    '}',
    `echo "load: ${plan.workers} worker(s) x ${plan.perWorkerPerMinute}/min for ${plan.durationSeconds}s"`,
    `( i=0; while [ "$i" -lt ${plan.workers} ]; do load & i=$((i + 1)); done; wait ) | sort | uniq -c | sed 's/^ */load: /'`,
    QUIT_SIDECAR,
    'exit 0',
  ].join('\n');
}
