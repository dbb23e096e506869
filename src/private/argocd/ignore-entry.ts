// One `spec.ignoreDifferences[]` entry of an Argo CD Application, and which objects it applies to. Shared by the
// computation of the library's entries (ignore.ts), the sync model (normalize.ts) and the Argo CD rules.
import { globMatch } from './glob';
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
