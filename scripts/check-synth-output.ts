// Checks a folder of synthesized manifests with the project's own checks: every object passes the schema oracles
// of the tests (test/support/schema.ts: @kubernetes-models and the strict schemas of the pinned CRDs), and the
// rule catalog of the given copy of the package finds nothing. Used by scripts/consumer-smoke.sh on the output of
// an app that installed the packed library.
//
// Usage: node scripts/run-ts.js scripts/check-synth-output.ts <manifests dir> <installed cdk8s-canary dir>
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { validateManifests } from '../test/support/schema';

function main(): void {
  const [dir, packageDir] = process.argv.slice(2);
  if (!dir || !packageDir) throw new Error('usage: check-synth-output.ts <manifests dir> <installed cdk8s-canary dir>');
  // the installed package, not this repository's sources (a path known only at run time)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CanaryRules } = require(path.resolve(packageDir));
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml')).sort();
  if (files.length === 0) throw new Error(`no *.k8s.yaml in ${dir}`);
  const manifests = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf-8')).map(d => d.toJS()).filter(Boolean));
  validateManifests(manifests);
  const findings = CanaryRules.check(manifests);
  if (findings.length > 0) {
    throw new Error(`the rule catalog of ${packageDir} reports:\n  ${findings.map((f: any) => CanaryRules.format(f)).join('\n  ')}`);
  }
  const kinds = [...new Set(manifests.map(m => m.kind))].sort();
  console.log(`ok: ${manifests.length} objects in ${files.length} files (${kinds.join(', ')}) pass the schema oracles and the rule catalog`);
}

main();
