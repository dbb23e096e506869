// A real Prometheus for tests: Istio-shaped series written as OpenMetrics text, loaded with
// `promtool tsdb create-blocks-from openmetrics`, served by `prometheus` on 127.0.0.1 (a free port),
// queried over the HTTP API, stopped by pid. Temporary directories are removed on stop().
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** Istio's default request-duration histogram buckets, in milliseconds (without +Inf). */
export const ISTIO_DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

/** True when both binaries are installed. */
export function prometheusAvailable(): boolean {
  return fs.existsSync(PROMETHEUS_BIN) && fs.existsSync(PROMTOOL_BIN);
}

/** A share of the requests that take `ms` milliseconds. */
export interface LatencyShare {
  readonly ms: number;
  readonly share: number;
}

/**
 * The traffic one set of pods of a Rollout receives (stable or canary), as Istio would report it.
 * The labels are the ones Istio derives from the pod labels the library sets.
 */
export interface PodsTraffic {
  readonly namespace: string;
  /** Service name (`destination_service_name`). */
  readonly service: string;
  /** Workload name: the Rollout name, for stable and canary alike (Istio strips the hash). */
  readonly workload: string;
  /** `version` pod label → `destination_version`. */
  readonly version: string;
  /** `service.istio.io/canonical-revision` pod label → `destination_canonical_revision`. */
  readonly revision: string;
  /** `rollouts-pod-template-hash` pod label (copied onto destination-reported series by a labelmap). */
  readonly podTemplateHash: string;
  /** Number of pods; the traffic is split evenly. */
  readonly pods: number;
  /** Requests per second to these pods, in total. */
  readonly rps: number;
  /** Share of requests answered with 503. */
  readonly errorRatio: number;
  /** Latency distribution; shares sum to 1. */
  readonly latency: LatencyShare[];
}

/** Time range of the generated samples. */
export interface SeriesTiming {
  /** Unix seconds of the last sample. */
  readonly end: number;
  /** How far back the samples go, in seconds. */
  readonly duration: number;
  /** Scrape interval in seconds. */
  readonly scrape: number;
}

const CLIENT = { workload: 'frontend', namespace: 'clients', pod: 'frontend-5d9c7b6f4-x2x7q', app: 'frontend', version: 'v1' };

function labelString(labels: { [k: string]: string }): string {
  return Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',');
}

function num(x: number): string {
  return Number.isInteger(x) ? `${x}` : x.toFixed(6);
}

interface SeriesDef {
  labels: { [k: string]: string };
  /** requests per second counted by this series */
  rps: number;
  latency: LatencyShare[];
}

/**
 * OpenMetrics text with `istio_requests_total` (by response code) and
 * `istio_request_duration_milliseconds` (Istio's default buckets), for every pod of every entry, as
 * reported by both the destination proxy (per canary/stable pod) and a source proxy (one client pod).
 */
export function istioOpenMetrics(traffic: PodsTraffic[], timing: SeriesTiming): string {
  const requests: SeriesDef[] = [];
  const durations: SeriesDef[] = [];
  const add = (labels: { [k: string]: string }, rps: number, t: PodsTraffic) => {
    for (const [code, share] of [['200', 1 - t.errorRatio], ['503', t.errorRatio]] as const) {
      if (share <= 0) continue;
      requests.push({ labels: { ...labels, response_code: code, grpc_response_status: '' }, rps: rps * share, latency: t.latency });
      durations.push({ labels: { ...labels, response_code: code, grpc_response_status: '' }, rps: rps * share, latency: t.latency });
    }
  };
  for (const t of traffic) {
    for (let p = 0; p < t.pods; p++) {
      const pod = `${t.workload}-${t.podTemplateHash}-p${p}`;
      const common = {
        destination_workload: t.workload,
        destination_workload_namespace: t.namespace,
        destination_app: t.workload,
        destination_version: t.version,
        destination_service: `${t.service}.${t.namespace}.svc.cluster.local`,
        destination_service_name: t.service,
        destination_service_namespace: t.namespace,
        destination_canonical_service: t.workload,
        destination_canonical_revision: t.revision,
        destination_cluster: 'Kubernetes',
        source_workload: CLIENT.workload,
        source_workload_namespace: CLIENT.namespace,
        source_app: CLIENT.app,
        source_version: CLIENT.version,
        source_canonical_service: CLIENT.app,
        source_canonical_revision: CLIENT.version,
        source_cluster: 'Kubernetes',
        request_protocol: 'http',
        response_flags: '-',
      };
      // scraped from the destination (canary/stable) pod: the labelmap copies its pod labels
      const destination = {
        reporter: 'destination',
        connection_security_policy: 'mutual_tls',
        ...common,
        pod,
        namespace: t.namespace,
        instance: `${pod}:15020`,
        app: t.workload,
        version: t.version,
        rollouts_pod_template_hash: t.podTemplateHash,
        service_istio_io_canonical_revision: t.revision,
      };
      add(destination, t.rps / t.pods, t);
      if (p === 0) {
        // scraped from the client pod (its own pod labels); one series for all destination pods of the revision
        const source = {
          reporter: 'source',
          connection_security_policy: 'unknown',
          ...common,
          pod: CLIENT.pod,
          namespace: CLIENT.namespace,
          instance: `${CLIENT.pod}:15020`,
          app: CLIENT.app,
          version: CLIENT.version,
        };
        add(source, t.rps, t);
      }
    }
  }

  const start = timing.end - timing.duration;
  const times: number[] = [];
  for (let ts = start; ts <= timing.end; ts += timing.scrape) times.push(ts);
  const lines: string[] = [];
  lines.push('# TYPE istio_requests counter');
  for (const s of requests) {
    const l = labelString(s.labels);
    for (const ts of times) lines.push(`istio_requests_total{${l}} ${num(s.rps * (ts - start))} ${ts}`);
  }
  lines.push('# TYPE istio_request_duration_milliseconds histogram');
  for (const s of durations) {
    const l = labelString(s.labels);
    for (const ts of times) {
      const n = s.rps * (ts - start);
      for (const le of ISTIO_DURATION_BUCKETS_MS) {
        const below = s.latency.filter(x => x.ms <= le).reduce((a, x) => a + x.share, 0);
        lines.push(`istio_request_duration_milliseconds_bucket{${l},le="${le}"} ${num(n * below)} ${ts}`);
      }
      lines.push(`istio_request_duration_milliseconds_bucket{${l},le="+Inf"} ${num(n)} ${ts}`);
      const sum = s.latency.reduce((a, x) => a + x.ms * x.share, 0) * n;
      lines.push(`istio_request_duration_milliseconds_sum{${l}} ${num(sum)} ${ts}`);
      lines.push(`istio_request_duration_milliseconds_count{${l}} ${num(n)} ${ts}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

/** One sample of an instant vector. */
export interface VectorSample {
  readonly metric: { [k: string]: string };
  readonly value: number;
}

/** The parsed result of an instant query. */
export interface QueryResult {
  readonly resultType: string;
  /** vector samples (empty for other result types) */
  readonly vector: VectorSample[];
  /** the scalar value, for a scalar result */
  readonly scalar?: number;
}

function parseValue(v: string): number {
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, res => {
      let body = '';
      res.setEncoding('utf-8');
      res.on('data', c => body += c);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}

/** A Prometheus server on loopback, serving the given OpenMetrics data. */
export class PrometheusServer {
  /** Backfills `openMetrics` into a new TSDB and starts Prometheus on it. */
  public static async start(openMetrics: string): Promise<PrometheusServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-prom-'));
    try {
      const input = path.join(dir, 'series.om.txt');
      const data = path.join(dir, 'data');
      const config = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(input, openMetrics);
      fs.writeFileSync(config, 'global: {}\n');
      fs.mkdirSync(data);
      execFileSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, data], { stdio: 'pipe' });
      const port = await freePort();
      const log = fs.openSync(path.join(dir, 'prometheus.log'), 'w');
      const proc = spawn(PROMETHEUS_BIN, [
        `--config.file=${config}`,
        `--storage.tsdb.path=${data}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
      ], { stdio: ['ignore', log, log] });
      fs.closeSync(log);
      const server = new PrometheusServer(dir, proc, `http://127.0.0.1:${port}`);
      await server.waitReady();
      return server;
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private exited = false;

  private constructor(private readonly dir: string, private readonly proc: ChildProcess, public readonly url: string) {
    proc.on('exit', () => { this.exited = true; });
  }

  /** Runs an instant query at `time` (unix seconds). Throws on a Prometheus error (bad query). */
  public async query(query: string, time: number): Promise<QueryResult> {
    const url = `${this.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${time}`;
    const res = await httpGet(url);
    const body = JSON.parse(res.body);
    if (body.status !== 'success') {
      throw new Error(`prometheus query failed (${body.errorType}): ${body.error}\n${query}`);
    }
    const { resultType, result } = body.data;
    if (resultType === 'vector') {
      return { resultType, vector: result.map((s: any) => ({ metric: s.metric, value: parseValue(s.value[1]) })) };
    }
    if (resultType === 'scalar') {
      return { resultType, vector: [], scalar: parseValue(result[1]) };
    }
    return { resultType, vector: [] };
  }

  /** Stops the server (by its pid) and removes its temporary directory. */
  public async stop(): Promise<void> {
    if (!this.exited && this.proc.pid !== undefined) {
      const exited = new Promise<void>(resolve => this.proc.once('exit', () => resolve()));
      process.kill(this.proc.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (!this.exited && this.proc.pid !== undefined) process.kill(this.proc.pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's log (for failure messages). */
  public log(): string {
    const f = path.join(this.dir, 'prometheus.log');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf-8') : '';
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`prometheus exited during startup:\n${this.log()}`);
      try {
        const res = await httpGet(`${this.url}/-/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise(r => setTimeout(r, 200));
    }
    await this.stop();
    throw new Error('prometheus did not become ready within 30 s');
  }
}
