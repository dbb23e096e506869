// The version of this library, as its package.json gives it (written into the output record).
import * as fs from 'fs';
import * as path from 'path';

const NAME = 'cdk8s-canary';
let cached: string | undefined;

/**
 * The `version` of the nearest package.json named cdk8s-canary above this file: the installed package
 * (`node_modules/cdk8s-canary/lib/src/...`) or this repository (`src/...`, `build/src/...`). "unknown" when
 * there is none, so that a missing file never fails a synth.
 */
export function libraryVersion(): string {
  if (cached === undefined) cached = findVersion(__dirname) ?? 'unknown';
  return cached;
}

function findVersion(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const version = versionIn(path.join(dir, 'package.json'));
    if (version !== undefined) return version;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function versionIn(file: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf-8'));
    return pkg?.name === NAME && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined; // no package.json here, or not one of ours
  }
}
