// One `spec.ignoreDifferences[]` entry of an Argo CD Application, and which objects it applies to. Shared by the
// computation of the library's entries (ignore.ts), the sync model (normalize.ts) and the Argo CD rules.
import { apiGroup } from './json';

/** One `spec.ignoreDifferences[]` entry of an Application, as JSON. */
export interface IgnoreEntry {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: string[];
  readonly jqPathExpressions?: string[];
  readonly managedFieldsManagers?: string[];
}

/** The fields of an entry, in the order the library renders them. */
export const IGNORE_ENTRY_FIELDS: ReadonlyArray<keyof IgnoreEntry> = ['group', 'kind', 'name', 'namespace', 'jsonPointers', 'jqPathExpressions', 'managedFieldsManagers'];

/**
 * Whether an entry applies to the object: group and kind as globs, name and namespace exactly when set
 * (argo-cd util/argo/normalizers/diff_normalizer.go ignoreNormalizer.Normalize; util/argo/diff/ignore.go for
 * managedFieldsManagers).
 */
export function entryMatches(entry: IgnoreEntry, obj: any): boolean {
  return globMatch(entry.group ?? '', apiGroup(obj?.apiVersion))
    && globMatch(entry.kind, obj?.kind ?? '')
    && (!entry.name || entry.name === obj?.metadata?.name)
    && (!entry.namespace || entry.namespace === obj?.metadata?.namespace);
}

/** Compiled globs, by pattern (argo-cd util/glob caches them the same way). */
const GLOBS = new Map<string, (value: string) => boolean>();

/**
 * gobwas/glob without separators, as argo-cd util/glob compiles it: `*` any run, `?` one character. Character
 * classes, alternatives and escapes are refused: the model does not implement them.
 */
export function globMatch(pattern: string, value: string): boolean {
  let matcher = GLOBS.get(pattern);
  if (!matcher) {
    matcher = compileGlob(pattern);
    GLOBS.set(pattern, matcher);
  }
  return matcher(value);
}

function compileGlob(pattern: string): (value: string) => boolean {
  if (/[[\]{}\\]/.test(pattern)) {
    throw new Error(`glob ${JSON.stringify(pattern)} uses [ ] { } or \\, which the Argo CD sync model does not implement`);
  }
  if (!/[*?]/.test(pattern)) return value => value === pattern;
  const re = new RegExp(`^${pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$()|]/g, '\\$&'))).join('')}$`, 's');
  return value => re.test(value);
}
