// Byte-level snapshots of a folder for the output-folder tests: every entry with its type, content (or link
// target), mode and modification time, so that "left byte-identical" is checked on all of them.
import * as fs from 'fs';
import * as path from 'path';

/** One entry of a folder, as `snapshotTree` sees it. */
export interface TreeEntry {
  readonly type: 'file' | 'dir' | 'link';
  readonly mode: number;
  readonly mtimeMs: number;
  /** File content (base64, so that any bytes compare), or a link's target. */
  readonly data?: string;
}

/** Every entry under `dir` (links are recorded, never followed), by path relative to `dir`. */
export function snapshotTree(dir: string, options: { skip?: (rel: string) => boolean } = {}): { [rel: string]: TreeEntry } {
  const out: { [rel: string]: TreeEntry } = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (options.skip?.(r)) continue;
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      const common = { mode: st.mode % 0o10000 /* permission bits */, mtimeMs: st.mtimeMs };
      if (st.isSymbolicLink()) {
        out[r] = { type: 'link', ...common, data: fs.readlinkSync(p) };
      } else if (st.isDirectory()) {
        out[r] = { type: 'dir', ...common };
        walk(r);
      } else {
        out[r] = { type: 'file', ...common, data: fs.readFileSync(p).toString('base64') };
      }
    }
  };
  walk('');
  return out;
}

/** Every regular file under `dir` with its text (relative path → content); links are not followed. */
export function readFiles(dir: string): { [rel: string]: string } {
  const tree = snapshotTree(dir);
  return Object.fromEntries(Object.entries(tree).filter(([, e]) => e.type === 'file').map(([r, e]) => [r, Buffer.from(e.data!, 'base64').toString('utf-8')]));
}

/** Writes `files` (relative path → content) under `dir`, creating folders. */
export function writeFiles(dir: string, files: { [rel: string]: string }): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/**
 * A GitOps repository root as users have them: `.git/`, a README, a `kustomization.yaml` and another team's
 * folder, with old modification times (so that any rewrite shows). Returns the user's paths.
 */
export function gitopsRepoRoot(dir: string): string[] {
  const files = {
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/config': '[core]\n\trepositoryformatversion = 0\n',
    '.git/objects/ab/cdef': 'object',
    'README.md': '# GitOps repository\n',
    'kustomization.yaml': 'resources:\n  - shop.k8s.yaml\n',
    'payments/payments.k8s.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: payments\n',
    'payments/README.md': 'owned by the payments team\n',
  };
  writeFiles(dir, files);
  fs.chmodSync(path.join(dir, 'README.md'), 0o600);
  const old = new Date('2020-01-01T00:00:00Z');
  for (const rel of [...Object.keys(files), '.git/objects/ab', '.git/objects', '.git', 'payments']) fs.utimesSync(path.join(dir, rel), old, old);
  return Object.keys(files);
}

/** The part of a snapshot under the given top-level names. */
export function pick(tree: { [rel: string]: TreeEntry }, tops: string[]): { [rel: string]: TreeEntry } {
  return Object.fromEntries(Object.entries(tree).filter(([r]) => tops.includes(r.split('/')[0])));
}
