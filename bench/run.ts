// The synth benchmark (issue 7): `node build/bench/run.js [--reps 5] [--ns 1,10,100,1000] [--json <file>]`.
//
// For each N it first checks that the library and the floor write byte-identical YAML, then runs every
// (N, variant) `reps` times, each in a fresh process (bench/worker.ts), variants interleaved so that load
// from other processes spreads over all of them, and prints medians as a Markdown table. Then it times the
// compiled example app as a whole process (`node build/examples/shop/main.js`, in a temporary folder).
// See docs/benchmarks.md.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

interface Sample {
  readonly variant: string;
  readonly n: number;
  readonly ms: number;
  /** Garbage collection pauses inside the timed part. */
  readonly gcMs: number;
  readonly loadMs: number;
  readonly buildMs: number | null;
  readonly maxRssKiB: number;
  readonly validateMs?: number;
  readonly serializeInValidateMs?: number;
  readonly rulesMs?: number;
  readonly digest: string;
}

const VARIANTS = ['floor', 'library', 'library-noplans', 'phases', 'cdk8s-synth'];
const WORKER = path.join(__dirname, 'worker.js');
const EXAMPLE = path.join(__dirname, '..', 'examples', 'shop', 'main.js');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function worker(variant: string, n: number): any {
  const r = spawnSync(process.execPath, [WORKER, variant, String(n)], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`worker ${variant} ${n} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(x: number, digits = 0): string {
  return x.toFixed(digits);
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} CPU(s) (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.type()} ${os.release()}, Node.js ${process.version}`;
}

function main(): void {
  const reps = Number(arg('reps', '5'));
  const ns = arg('ns', '1,10,100,1000').split(',').map(Number);
  const exampleReps = Number(arg('example-reps', '15'));
  const jsonOut = arg('json', '');
  const started = new Date();
  process.stderr.write(`machine: ${machine()}\nload average at start: ${os.loadavg().map(l => fmt(l, 2)).join(' ')}\n`);

  // 1. Same YAML, or the comparison is meaningless.
  for (const n of ns) {
    const c = worker('check', n);
    process.stderr.write(`N=${n}: library and floor YAML byte-identical (${c.files} files, ${c.bytes} bytes)\n`);
  }

  // 2. Interleaved repetitions, each in a fresh process.
  const samples: Sample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const n of ns) {
      for (const variant of VARIANTS) {
        const s = worker(variant, n) as Sample;
        samples.push(s);
        process.stderr.write(`rep ${rep + 1}/${reps} N=${n} ${variant}: ${fmt(s.ms)} ms, ${fmt(s.maxRssKiB / 1024)} MiB\n`);
      }
    }
  }
  for (const n of ns) {
    // cdk8s-synth writes one stream instead of one file per chart: the check above compared its content
    const digests = new Set(samples.filter(s => s.n === n && s.variant !== 'cdk8s-synth').map(s => s.digest));
    if (digests.size !== 1) throw new Error(`N=${n}: the variants wrote different YAML (${[...digests].join(', ')})`);
  }

  const of = (variant: string, n: number) => samples.filter(s => s.variant === variant && s.n === n);
  const med = (variant: string, n: number, f: (s: Sample) => number) => median(of(variant, n).map(f));
  const rows = ns.map(n => {
    const floor = med('floor', n, s => s.ms);
    const lib = med('library', n, s => s.ms);
    const noplans = med('library-noplans', n, s => s.ms);
    const cdk8sSynth = med('cdk8s-synth', n, s => s.ms);
    const phases = of('phases', n);
    return {
      n,
      floorMs: floor,
      libraryMs: lib,
      libraryNoPlansMs: noplans,
      ratio: lib / floor,
      ratioNoPlans: noplans / floor,
      cdk8sSynthMs: cdk8sSynth,
      floorGcMs: med('floor', n, s => s.gcMs),
      libraryNoPlansGcMs: med('library-noplans', n, s => s.gcMs),
      plansMsPerService: (lib - noplans) / n,
      libraryMsPerService: lib / n,
      floorMsPerService: floor / n,
      libraryBuildMs: med('library', n, s => s.buildMs ?? NaN),
      floorRssMiB: med('floor', n, s => s.maxRssKiB) / 1024,
      libraryRssMiB: med('library', n, s => s.maxRssKiB) / 1024,
      // share of the library's time spent in validation: construct validations (with the rules), minus the
      // serialization they do that the output reuses; and the rules alone
      validationShare: median(phases.map(s => (s.validateMs! - s.serializeInValidateMs!) / s.ms)),
      rulesShare: median(phases.map(s => s.rulesMs! / s.ms)),
      validationInclSerializationShare: median(phases.map(s => s.validateMs! / s.ms)),
      libraryLoadMs: med('library', n, s => s.loadMs),
      floorLoadMs: med('floor', n, s => s.loadMs),
    };
  });
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
  const example = median(exampleMs);

  const lines: string[] = [];
  lines.push(`Machine: ${machine()}. Load average at the end: ${os.loadavg().map(l => fmt(l, 2)).join(' ')}.`);
  lines.push(`Started ${started.toISOString()}; ${reps} repetitions per (N, variant), each in a fresh process; medians.`);
  lines.push('');
  lines.push('| N | floor ms | library, same files ms | same files/floor | library ms/service | with plans ms | with plans/floor | validation share | rules share | floor MiB | library MiB | floor GC ms | same files GC ms | plain cdk8s synth ms |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    lines.push(`| ${r.n} | ${fmt(r.floorMs)} | ${fmt(r.libraryNoPlansMs)} | ${fmt(r.ratioNoPlans, 2)} | ${fmt(r.libraryNoPlansMs / r.n, 2)} | ${fmt(r.libraryMs)} `
      + `| ${fmt(r.ratio, 2)} | ${fmt(r.validationShare * 100)}% | ${fmt(r.rulesShare * 100)}% | ${fmt(r.floorRssMiB)} | ${fmt(r.libraryRssMiB)} | ${fmt(r.floorGcMs)} | ${fmt(r.libraryNoPlansGcMs)} | ${fmt(r.cdk8sSynthMs)} |`);
  }
  lines.push('');
  lines.push(`Module loading (not in the times above), median: library ${fmt(median(rows.map(r => r.libraryLoadMs)))} ms, floor ${fmt(median(rows.map(r => r.floorLoadMs)))} ms.`);
  lines.push(`Example app as a whole process (\`node build/examples/shop/main.js\`), ${exampleReps} runs: median ${fmt(example)} ms `
    + `(min ${fmt(Math.min(...exampleMs))}, max ${fmt(Math.max(...exampleMs))}).`);
  lines.push('');
  const big = at(1000);
  const mid = at(100);
  if (big && mid) {
    const perService = big.libraryMsPerService / mid.libraryMsPerService;
    lines.push('Targets:');
    lines.push(`- library/floor at N = 1000 ≤ 1.3, same files as the floor, validation and rules on: ${fmt(big.ratioNoPlans, 2)} — ${big.ratioNoPlans <= 1.3 ? 'met' : 'NOT met'}`
      + ` (with the plans CanaryApp also writes by default: ${fmt(big.ratio, 2)}; plain cdk8s synthesizing the floor's objects: ${fmt(big.cdk8sSynthMs / big.floorMs, 2)})`);
    lines.push(`- per-service time at N = 1000 within 1.2× of N = 100: ${fmt(perService, 2)}× — ${perService <= 1.2 ? 'met' : 'NOT met'}`);
    lines.push(`- peak memory at N = 1000 ≤ 300 MiB: ${fmt(big.libraryRssMiB)} MiB — ${big.libraryRssMiB <= 300 ? 'met' : 'NOT met'}`);
    lines.push(`- example app ≤ 400 ms median: ${fmt(example)} ms — ${example <= 400 ? 'met' : 'NOT met'}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (jsonOut) {
    fs.mkdirSync(path.dirname(jsonOut), { recursive: true });
    fs.writeFileSync(jsonOut, `${JSON.stringify({ machine: machine(), started: started.toISOString(), reps, rows, exampleMs, samples }, undefined, 2)}\n`);
  }
}

main();
