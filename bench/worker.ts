// One synth as a whole process: `node build/bench/worker.js <variant> <n> <outdir>`. It loads only what the variant
// needs, builds N services, writes their files into <outdir> and prints one JSON line with its own timings (module
// loading, building, synthesizing) and its peak memory. bench/run.ts times the whole process from outside.
// Variants:
//   library          the fleet with the library (bench/fleet.ts): CanaryApp.synth(), validation, rules, rollout plans
//   library-noplans  the same with `plans: false`: exactly the files of the variants below
//   library-app      the same fleet in a plain cdk8s App, written by App.synth() (validation and rules on)
//   cdk8s-app        the same YAML as raw ApiObjects under a plain cdk8s App, written by App.synth() (bench/floor.ts)
//   floor            the same raw ApiObjects, toJson + Yaml.stringify + one file per chart (bench/floor.ts)
import { performance } from 'perf_hooks';

function main(): void {
  const [variant, nArg, outdir] = process.argv.slice(2);
  const n = Number(nArg);
  if (!Number.isInteger(n) || n < 1 || !outdir) throw new Error(`usage: worker.js <variant> <n> <outdir>, got "${process.argv.slice(2).join(' ')}"`);
  const tStart = performance.now();
  let tLoaded: number;
  let tBuilt: number;
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (variant === 'library' || variant === 'library-noplans' || variant === 'library-app') {
    const { libraryFleet } = require('./fleet') as typeof import('./fleet');
    tLoaded = performance.now();
    const app = libraryFleet(n, variant === 'library', outdir, variant === 'library-app');
    tBuilt = performance.now();
    app.synth();
  } else if (variant === 'cdk8s-app' || variant === 'floor') {
    const { synthWithCdk8s, writeFloor } = require('./floor') as typeof import('./floor');
    tLoaded = performance.now();
    tBuilt = NaN; // both build and write in one call
    (variant === 'floor' ? writeFloor : synthWithCdk8s)(n, outdir);
  } else {
    throw new Error(`unknown variant "${variant}": use library, library-noplans, library-app, cdk8s-app or floor`);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const tEnd = performance.now();
  const maxRssKiB = process.resourceUsage().maxRSS;
  // (nothing waits after the work: the process exits as a synth would)
  process.stdout.write(`${JSON.stringify({ variant, n, loadMs: tLoaded - tStart, buildMs: tBuilt - tLoaded, workMs: tEnd - tLoaded, maxRssKiB })}\n`);
}

main();
