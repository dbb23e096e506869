// Runs several programs of this repository in one process, each with its output in its own folder: for the docs
// examples, which would otherwise each pay for a Node.js start and for loading the library (scripts/render-docs.ts).
// Each program is loaded once, in the order given, with CDK8S_OUTDIR set to <outroot>/<index>; a program that
// throws leaves its message in <outroot>/<index>/ERROR.txt and the others still run.
// Usage: node scripts/run-ts.js scripts/run-programs.ts <outroot> <program.ts>...
import * as fs from 'fs';
import * as path from 'path';

const [outroot, ...programs] = process.argv.slice(2);
programs.forEach((program, i) => {
  const outdir = path.join(outroot, String(i));
  fs.mkdirSync(outdir, { recursive: true });
  process.env.CDK8S_OUTDIR = outdir;
  try {
    // a program synthesizes when it is loaded, as when node runs it
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.resolve(program));
  } catch (e) {
    fs.writeFileSync(path.join(outdir, 'ERROR.txt'), e instanceof Error ? e.stack ?? e.message : String(e));
  }
});
