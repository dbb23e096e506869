// jest globalSetup: compiles the schema validators once for the whole run (schema-cache.ts), before the suites
// start, so that no suite (and no parallel worker) compiles them itself.
import { schemaCacheDir } from './schema-cache';

export default function globalSetup(): void {
  schemaCacheDir();
}
