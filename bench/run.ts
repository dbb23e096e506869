// The synth benchmark (docs/benchmarks.md):
//   node build/bench/run.js [--reps 7] [--ns 10,100,1000,2000] [--cdk8s-max 1000] [--app-max 1000] [--json <file>]
//
// Every sample is a whole process (bench/worker.ts), timed from outside from its start to its exit: start-up,
// module loading, building, validation and writing the files, as a user's synth. For each N it first checks that
// the library, the plain cdk8s App and the floor write byte-identical YAML files, then runs every (N, variant)
// `reps` times, all interleaved (rep 1 of every N and variant, then rep 2, ...) so that load from other processes
// spreads over all of them. Ratios are taken pair by pair (the library's run against the runs of the same round)
// and their median is shown, next to the medians of the times. Then it times the compiled example app.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

interface Sample {
  readonly variant: string;
  readonly n: number;
  readonly rep: number;
  /** Whole process, from spawn to exit. */
  readonly wallMs: number;
  /** Inside the process: module loading, then building and writing. */
  readonly loadMs: number;
  readonly workMs: number;
  readonly maxRssKiB: number;
}

const VARIANTS = ['floor', 'cdk8s-app', 'library-noplans', 'library-app', 'library'];
const WORKER = path.join(__dirname, 'worker.js');
const EXAMPLE = path.join(__dirname, '..', 'examples', 'shop', 'main.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Runs one variant as a whole process, writing into a fresh folder (kept when `keep`), and times it. */
function run(variant: string, n: number, rep: number, keep?: string): Sample {
  const outdir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-bench-'));
  try {
    const t = performance.now();
    const r = spawnSync(process.execPath, [WORKER, variant, String(n), outdir], { encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
    const wallMs = performance.now() - t;
    if (r.status !== 0) throw new Error(`worker ${variant} ${n} failed (exit ${r.status}):\n${r.stderr}`);
    const inner = JSON.parse(r.stdout.trim().split('\n').pop()!);
    return { variant, n, rep, wallMs, loadMs: inner.loadMs, workMs: inner.workMs, maxRssKiB: inner.maxRssKiB };
  } finally {
    if (!keep) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** Fails unless the variants write the same YAML files (the library with plans: the same plus its plan files). */
function check(n: number, variants: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-bench-check-'));
  try {
    const files = new Map<string, Map<string, string>>();
    for (const v of variants) {
      const dir = path.join(root, v);
      run(v, n, 0, dir);
      const byName = new Map<string, string>();
      for (const f of fs.readdirSync(dir).sort()) {
        if (v === 'library' && f.endsWith('.plan.md')) continue;
        if (v.startsWith('library') && f === 'cdk8s-canary.owned.txt') continue; // CanaryApp's record of the files it wrote
        byName.set(f, fs.readFileSync(path.join(dir, f), 'utf-8'));
      }
      files.set(v, byName);
    }
    const reference = files.get('floor')!;
    for (const [v, byName] of files) {
      const names = [...byName.keys()].join('\n');
      if (names !== [...reference.keys()].join('\n')) {
        throw new Error(`N=${n}: ${v} writes [${[...byName.keys()].slice(0, 4).join(', ')}…], the floor [${[...reference.keys()].slice(0, 4).join(', ')}…]`);
      }
      for (const [name, text] of byName) {
        const floorText = reference.get(name)!;
        if (text === floorText) continue;
        const a = text.split('\n');
        const b = floorText.split('\n');
        const line = a.findIndex((l, i) => l !== b[i]);
        throw new Error(`N=${n}: ${name} of ${v} differs from the floor's at line ${line + 1}:\n  ${v}: ${a[line]}\n  floor: ${b[line]}`);
      }
    }
    const bytes = [...reference.values()].reduce((sum, t) => sum + t.length, 0);
    return `${reference.size} files, ${bytes} bytes`;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = xs.filter(x => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x: number, digits = 0): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} CPU(s) (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

function main(): void {
  const reps = Number(arg('reps', '7'));
  const ns = arg('ns', '10,100,1000,2000').split(',').map(Number);
  const cdk8sMax = Number(arg('cdk8s-max', '1000'));
  const appMax = Number(arg('app-max', '1000'));
  const exampleReps = Number(arg('example-reps', '15'));
  const jsonOut = arg('json', '');
  const started = new Date();
  const variantsOf = (n: number) => VARIANTS.filter(v => (v !== 'cdk8s-app' || n <= cdk8sMax) && (v !== 'library-app' || n <= appMax));
  process.stderr.write(`machine: ${machine()}\nload average at start: ${os.loadavg().map(l => fmt(l, 2)).join(' ')}\n`);

  // 1. Same YAML, or the comparison is meaningless.
  for (const n of ns) process.stderr.write(`N=${n}: ${variantsOf(n).join(', ')} write the same YAML (${check(n, variantsOf(n))})\n`);

  // 2. Interleaved repetitions, each a fresh process.
  const samples: Sample[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const n of ns) {
      for (const variant of variantsOf(n)) {
        const s = run(variant, n, rep);
        samples.push(s);
        process.stderr.write(`rep ${rep}/${reps} N=${n} ${variant}: ${fmt(s.wallMs)} ms, ${fmt(s.maxRssKiB / 1024)} MiB\n`);
      }
    }
  }

  const of = (variant: string, n: number) => samples.filter(s => s.variant === variant && s.n === n);
  const med = (variant: string, n: number, f: (s: Sample) => number) => median(of(variant, n).map(f));
  /** Median over the rounds of `a`'s time over `b`'s time in the same round. */
  const pairedRatio = (a: string, b: string, n: number) => median(of(a, n).map(s => s.wallMs / (of(b, n).find(x => x.rep === s.rep)?.wallMs ?? NaN)));
  const rows = ns.map(n => ({
    n,
    floorMs: med('floor', n, s => s.wallMs),
    cdk8sAppMs: med('cdk8s-app', n, s => s.wallMs),
    noPlansMs: med('library-noplans', n, s => s.wallMs),
    libraryMs: med('library', n, s => s.wallMs),
    appMs: med('library-app', n, s => s.wallMs),
    appToNoPlans: pairedRatio('library-app', 'library-noplans', n),
    noPlansToFloor: pairedRatio('library-noplans', 'floor', n),
    noPlansToCdk8sApp: pairedRatio('library-noplans', 'cdk8s-app', n),
    libraryToFloor: pairedRatio('library', 'floor', n),
    libraryToCdk8sApp: pairedRatio('library', 'cdk8s-app', n),
    floorRssMiB: med('floor', n, s => s.maxRssKiB) / 1024,
    cdk8sAppRssMiB: med('cdk8s-app', n, s => s.maxRssKiB) / 1024,
    noPlansRssMiB: med('library-noplans', n, s => s.maxRssKiB) / 1024,
    libraryRssMiB: med('library', n, s => s.maxRssKiB) / 1024,
    floorLoadMs: med('floor', n, s => s.loadMs),
    libraryLoadMs: med('library', n, s => s.loadMs),
  }));
  const at = (n: number) => rows.find(r => r.n === n);

  // 3. The example app as a whole process.
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-bench-'));
  const exampleMs: number[] = [];
  try {
    for (let i = 0; i < exampleReps; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [EXAMPLE], { cwd, encoding: 'utf-8' });
      exampleMs.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${EXAMPLE} failed (exit ${r.status}):\n${r.stderr}`);
    }
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }

  const lines: string[] = [];
  lines.push(`Machine: ${machine()}. Load average at the end: ${os.loadavg().map(l => fmt(l, 2)).join(' ')}.`);
  lines.push(`Started ${started.toISOString()}; ${reps} rounds, each (N, variant) a fresh process per round, all interleaved; medians.`);
  lines.push('');
  lines.push('| N | floor ms | plain cdk8s App ms | library, plans off ms | ÷ floor | ÷ cdk8s App | library ms | ÷ floor | ÷ cdk8s App | MiB: floor / cdk8s App / plans off / library |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    lines.push(`| ${r.n} | ${fmt(r.floorMs)} | ${fmt(r.cdk8sAppMs)} | ${fmt(r.noPlansMs)} | ${fmt(r.noPlansToFloor, 2)} | ${fmt(r.noPlansToCdk8sApp, 2)} `
      + `| ${fmt(r.libraryMs)} | ${fmt(r.libraryToFloor, 2)} | ${fmt(r.libraryToCdk8sApp, 2)} `
      + `| ${fmt(r.floorRssMiB)} / ${fmt(r.cdk8sAppRssMiB)} / ${fmt(r.noPlansRssMiB)} / ${fmt(r.libraryRssMiB)} |`);
  }
  lines.push('');
  lines.push('The library\'s fleet in a plain cdk8s `App` (`App.synth()`, the same files as plans off):');
  lines.push('');
  lines.push('| N | library in a plain App ms | ÷ CanaryApp, plans off |');
  lines.push('|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.n} | ${fmt(r.appMs)} | ${fmt(r.appToNoPlans, 2)} |`);
  lines.push('');
  lines.push(`Module loading inside the process (in the times above), median: library ${fmt(median(rows.map(r => r.libraryLoadMs)))} ms, `
    + `floor and plain cdk8s App ${fmt(median(rows.map(r => r.floorLoadMs)))} ms.`);
  lines.push(`Example app as a whole process (\`node build/examples/shop/main.js\`), ${exampleReps} runs: median ${fmt(median(exampleMs))} ms `
    + `(min ${fmt(Math.min(...exampleMs))}, max ${fmt(Math.max(...exampleMs))}).`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const small = at(10);
  const big = at(1000);
  const bigger = at(2000);
  lines.push('');
  lines.push('Targets (plans off, the same files as the comparisons):');
  if (small) lines.push(`- N = 10: library ÷ plain cdk8s App ≤ 1.5: ${fmt(small.noPlansToCdk8sApp, 2)} — ${verdict(small.noPlansToCdk8sApp <= 1.5)}`);
  if (big) {
    lines.push(`- N = 1000: library ÷ plain cdk8s App ≤ 0.6: ${fmt(big.noPlansToCdk8sApp, 2)} — ${verdict(big.noPlansToCdk8sApp <= 0.6)}`);
    lines.push(`- N = 1000: library ÷ floor ≤ 1.5: ${fmt(big.noPlansToFloor, 2)} — ${verdict(big.noPlansToFloor <= 1.5)}`);
  }
  if (big && bigger) {
    lines.push(`- N = 2000: library ÷ floor no worse than at N = 1000: ${fmt(bigger.noPlansToFloor, 2)} vs ${fmt(big.noPlansToFloor, 2)} — `
      + verdict(bigger.noPlansToFloor <= big.noPlansToFloor * 1.02));
    lines.push(`- N = 2000: peak memory < 300 MiB: ${fmt(bigger.noPlansRssMiB)} MiB (with plans ${fmt(bigger.libraryRssMiB)} MiB) — `
      + verdict(Math.max(bigger.noPlansRssMiB, bigger.libraryRssMiB) < 300));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (jsonOut) {
    fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
    fs.writeFileSync(jsonOut, `${JSON.stringify({ machine: machine(), started: started.toISOString(), reps, rows, exampleMs, samples }, undefined, 2)}\n`);
  }
}

main();
