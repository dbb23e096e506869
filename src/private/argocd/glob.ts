// Argo CD's glob matching (argo-cd util/glob/glob.go `Match`: gobwas/glob compiled without separators, a pattern that
// does not compile matches nothing). Used for the group and kind of an ignoreDifferences entry
// (util/argo/normalizers/diff_normalizer.go) and for a directory source's include and exclude
// (reposerver/repository/repository.go getPotentiallyValidManifestFile). Not exported from the package.
//
// The syntax is gobwas/glob's: `*` and `**` any run of characters (without separators both are the same), `?` one
// character, `[abc]` `[a-z]` one character of a class, `[!abc]` one character not in it, `{a,b}` one of the
// alternatives (which may hold patterns themselves), `\` makes the next character literal.

/** Compiled globs, by pattern (argo-cd util/glob caches them the same way). */
const GLOBS = new Map<string, (value: string) => boolean>();

/** Whether `value` matches the glob `pattern` as Argo CD matches it. */
export function globMatch(pattern: string, value: string): boolean {
  let matcher = GLOBS.get(pattern);
  if (!matcher) {
    matcher = compileGlob(pattern);
    GLOBS.set(pattern, matcher);
  }
  return matcher(value);
}

function compileGlob(pattern: string): (value: string) => boolean {
  if (!/[*?[{\\]/.test(pattern)) return value => value === pattern;
  const source = globToRegExp(pattern);
  if (source === undefined) return () => false; // gobwas cannot compile it: Argo CD logs a warning and matches nothing
  const re = new RegExp(`^(?:${source})$`, 'su');
  return value => re.test(value);
}

/** The regular expression of a glob, or undefined when gobwas would not compile it (an unclosed `[` or `{`, a trailing `\`). */
function globToRegExp(pattern: string): string | undefined {
  const chars = [...pattern];
  let out = '';
  let braces = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '\\') {
      if (i + 1 >= chars.length) return undefined;
      out += literal(chars[++i]);
    } else if (c === '*') {
      while (chars[i + 1] === '*') i++;
      out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      const end = chars.indexOf(']', i + 1);
      if (end < 0) return undefined;
      const body = chars.slice(i + 1, end);
      const negated = body[0] === '!';
      const members = (negated ? body.slice(1) : body).map(m => (m === '-' ? '-' : literal(m))).join('');
      if (members === '') return undefined;
      out += `[${negated ? '^' : ''}${members}]`;
      i = end;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else {
      out += literal(c);
    }
  }
  return braces === 0 ? out : undefined;
}

/** One character as a literal in a regular expression, inside a class too (the characters the `u` flag lets one escape). */
function literal(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
