// One measurement in a fresh process: `node build/bench/worker.js <variant> <n>`; prints one JSON line.
// Variants:
//   floor            raw ApiObjects with literal JSON, rendered (bench/floor.ts)
//   library          CanaryApp.renderFiles() of the fleet (bench/fleet.ts): validation, rules, rollout plans
//   library-noplans  the same with `plans: false` (YAML only, as the floor)
//   phases           `library`, instrumented: time inside construct validations (which include the rules) and
//                    inside CanaryRules.check; not used for the time columns
//   cdk8s-synth      the floor's objects synthesized by plain cdk8s, `App.synthYaml()` (context, not a target)
//   check            renders `library-noplans` and `floor` and compares the YAML files byte by byte, and
//                    compares `cdk8s-synth`'s stream with the floor's files joined in chart order
import { createHash } from 'crypto';
import { performance, PerformanceObserver } from 'perf_hooks';

interface Phases {
  validateMs: number;
  serializeInValidateMs: number;
  rulesMs: number;
}

function digest(files: { [name: string]: string }): { digest: string; bytes: number; files: number } {
  const h = createHash('sha256');
  let bytes = 0;
  const names = Object.keys(files).filter(f => f.endsWith('.k8s.yaml')).sort();
  for (const name of names) {
    h.update(name).update('\0').update(files[name]).update('\0');
    bytes += files[name].length;
  }
  return { digest: h.digest('hex'), bytes, files: names.length };
}

/** Wraps Node.validate, ApiObject.toJson and CanaryRules.check with timers (this process only). */
function instrument(): Phases {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Node } = require('constructs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ApiObject } = require('cdk8s');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CanaryRules } = require('../src/rules/engine');
  const phases: Phases = { validateMs: 0, serializeInValidateMs: 0, rulesMs: 0 };
  let inValidate = 0;
  let inToJson = 0;
  const validate = Node.prototype.validate;
  Node.prototype.validate = function (this: any, ...args: any[]) {
    const t = performance.now();
    inValidate++;
    try {
      return validate.apply(this, args);
    } finally {
      inValidate--;
      if (inValidate === 0) phases.validateMs += performance.now() - t;
    }
  };
  const toJson = ApiObject.prototype.toJson;
  ApiObject.prototype.toJson = function (this: any, ...args: any[]) {
    const t = performance.now();
    inToJson++;
    try {
      return toJson.apply(this, args);
    } finally {
      inToJson--;
      if (inToJson === 0 && inValidate > 0) phases.serializeInValidateMs += performance.now() - t;
    }
  };
  const check = CanaryRules.check;
  CanaryRules.check = function (...args: any[]) {
    const t = performance.now();
    try {
      return check.apply(CanaryRules, args);
    } finally {
      phases.rulesMs += performance.now() - t;
    }
  };
  return phases;
}

function main(): void {
  const [variant, nArg] = process.argv.slice(2);
  const n = Number(nArg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`usage: worker.js <variant> <n>, got "${nArg}"`);
  const tStart = performance.now();
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fleet = variant === 'floor' || variant === 'cdk8s-synth' ? undefined : require('./fleet') as typeof import('./fleet');
  const floor = variant === 'floor' || variant === 'check' || variant === 'cdk8s-synth' ? require('./floor') as typeof import('./floor') : undefined;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const phases = variant === 'phases' ? instrument() : undefined;
  // garbage collection pauses of the timed part (Node.js reports them asynchronously, after the work)
  const gcPauses: Array<{ start: number; ms: number }> = [];
  const gcObserver = new PerformanceObserver(list => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, ms: e.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const tLoaded = performance.now();

  if (variant === 'check') {
    const lib = fleet!.libraryFleet(n, false).renderFiles();
    const raw = floor!.renderFloor(n);
    const names = Object.keys(lib).sort();
    if (names.join('\n') !== Object.keys(raw).sort().join('\n')) {
      throw new Error(`N=${n}: the library writes files [${names.slice(0, 5).join(', ')}…], the floor [${Object.keys(raw).sort().slice(0, 5).join(', ')}…]`);
    }
    for (const name of names) {
      if (lib[name] === raw[name]) continue;
      const a = lib[name].split('\n');
      const b = raw[name].split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(`N=${n}: ${name} differs at line ${line + 1}:\n  library: ${a[line]}\n  floor:   ${b[line]}`);
    }
    // the cdk8s-synth variant writes the same documents, all charts in one stream (the argocd chart first)
    const ordered = ['argocd.k8s.yaml', ...names.filter(f => f !== 'argocd.k8s.yaml')];
    if (floor!.synthFloorWithCdk8s(n) !== ordered.map(f => raw[f]).join('---\n')) {
      throw new Error(`N=${n}: App.synthYaml() of the floor's objects differs from the floor's files`);
    }
    process.stdout.write(`${JSON.stringify({ variant, n, identical: true, ...digest(lib) })}\n`);
    return;
  }

  let files: { [name: string]: string };
  let buildMs: number;
  if (variant === 'floor') {
    files = floor!.renderFloor(n);
    buildMs = NaN; // the floor builds and renders in one function
  } else if (variant === 'cdk8s-synth') {
    files = { 'all.k8s.yaml': floor!.synthFloorWithCdk8s(n) };
    buildMs = NaN;
  } else if (variant === 'library' || variant === 'library-noplans' || variant === 'phases') {
    const app = fleet!.libraryFleet(n, variant !== 'library-noplans');
    buildMs = performance.now() - tLoaded;
    files = app.renderFiles();
  } else {
    throw new Error(`unknown variant "${variant}": use floor, cdk8s-synth, library, library-noplans, phases or check`);
  }
  const tEnd = performance.now();
  const usage = process.resourceUsage();
  // Node.js delivers GC entries asynchronously, after the work; a 0 ms timer sometimes fired before they arrived
  setTimeout(() => {
    gcObserver.disconnect();
    const gcMs = gcPauses.filter(p => p.start >= tLoaded && p.start < tEnd).reduce((sum, p) => sum + p.ms, 0);
    process.stdout.write(`${JSON.stringify({
      variant,
      n,
      loadMs: tLoaded - tStart,
      ms: tEnd - tLoaded,
      gcMs,
      buildMs,
      maxRssKiB: usage.maxRSS,
      ...phases,
      ...digest(files),
    })}\n`);
  }, 100);
}

main();
