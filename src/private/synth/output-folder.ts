// Applies a synth's files to an output folder that is shared with the user (a GitOps repository folder, or its
// root): it creates and rewrites the files synth owns, removes the ones it owned and no longer produces, and
// never touches anything else. What it owns is listed in the ownership record (output-record.ts).
//
// All or nothing: every check runs before the first change; then every new file is staged in a folder inside
// the output folder (same file system, so each move is one rename) and moved into place, and any error on
// the way puts the previous state back. A process killed between two renames leaves a mix of old and new
// files, all listed in the record written before the first move (so the next synth finishes the job), and
// the staging folder (git-ignored by the .gitignore it holds) with the previous versions. No fsync: after a
// power failure, as with any tool that writes without it, the last files written may be empty.
import * as fs from 'fs';
import * as path from 'path';
import { OutputRecord, parseRecord, RECORD_FILE, renderRecord, sha256, unionRecord, unsafePathReason } from './output-record';
import { compareCodeUnits } from '../format';

/** The name prefix of the staging folder a synth creates (and removes) inside the output folder. */
export const STAGING_PREFIX = '.cdk8s-canary-staging-';

const STAGING_GITIGNORE = '# A cdk8s-canary synth moves files into place from here (left over if it was interrupted). Never commit it.\n*\n';

/** Options of `writeOutputFolder`. */
export interface OutputFolderOptions {
  /** The version of the library, written into the record. */
  readonly libraryVersion: string;
}

/** What `writeOutputFolder` did. */
export interface OutputFolderResult {
  /** Files created or changed (paths relative to the folder, sorted), the record excluded. */
  readonly written: string[];
  /** Files removed: owned by an earlier synth and no longer produced. */
  readonly removed: string[];
  /** Things the user should know (an edit overwritten, stale-looking files left alone...). */
  readonly warnings: string[];
}

/**
 * Makes the files synth owns in `outdir` exactly `files` (path relative to the folder, '/'-separated →
 * content), leaving every other file and folder in it as it is. Throws, changing nothing, on a conflict
 * (a file to write that synth did not write, a link, an unsafe record) or when an I/O error occurs part-way.
 */
export function writeOutputFolder(outdir: string, files: { [file: string]: string }, options: OutputFolderOptions): OutputFolderResult {
  const folder = openFolder(outdir);
  const plan = planChanges(folder, desiredTree(files), options.libraryVersion);
  const changed = plan.mkdirs.length + plan.writes.length + plan.removes.length + plan.rmdirs.length > 0 || plan.recordChanged;
  const warnings = [...plan.warnings, ...(changed ? applyPlan(folder, plan) : [])];
  return { written: plan.writes.map(w => w.path), removed: plan.removes, warnings: warnings.map(w => `warning: output folder "${outdir}": ${w}`) };
}

/** The output folder: where it really is (a symlinked folder is written through) and whether it exists. */
interface Folder {
  /** As the user gave it, for messages. */
  readonly shown: string;
  /** Absolute path, symlinks resolved when it exists. */
  readonly root: string;
  readonly exists: boolean;
}

function openFolder(outdir: string): Folder {
  const st = lstatOrUndefined(outdir);
  if (!st) return { shown: outdir, root: path.resolve(outdir), exists: false };
  const target = st.isSymbolicLink() ? lstatOrUndefined(outdir, true) : st;
  if (!target) {
    throw new Error(`The output folder "${outdir}" is a symbolic link to "${fs.readlinkSync(outdir)}", which does not exist. `
      + 'Synth writes through a link to a folder, but does not create its target. Fix: create the folder the link points to, or fix the link.');
  }
  if (!target.isDirectory()) {
    throw new Error(`The output folder "${outdir}" is ${describe(kindOf(target))}, not a folder. `
      + 'Fix: set outdir (or CDK8S_OUTDIR) to a folder, or move the file away.');
  }
  return { shown: outdir, root: fs.realpathSync(outdir), exists: true };
}

/** The files to write and the folders they need (parents first). */
interface Desired {
  readonly files: Map<string, Buffer>;
  readonly folders: string[];
}

function desiredTree(files: { [file: string]: string }): Desired {
  const problems: string[] = [];
  const folders = new Set<string>();
  for (const p of Object.keys(files)) {
    const unsafe = unsafePathReason(p) ?? (p.startsWith(STAGING_PREFIX) ? `which starts with "${STAGING_PREFIX}", the name of synth's staging folder` : undefined);
    if (unsafe) problems.push(`"${p}", ${unsafe}`);
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  for (const f of folders) {
    if (files[f] !== undefined) problems.push(`"${f}", which would be both a file and a folder`);
  }
  if (problems.length > 0) {
    throw new Error(`Synth rendered output paths that cannot be written safely: ${problems.join('; ')}. `
      + 'Fix: change the chart ids, object names or outputFileExtension that produce them.');
  }
  const content = new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c, 'utf-8')]));
  return { files: content, folders: [...folders].sort(compareCodeUnits) };
}

/** A file to create or change: staged, then renamed into place. */
interface Write {
  readonly path: string;
  readonly content: Buffer;
  /** Whether a file is there now (it is kept as a backup until the synth succeeds). */
  readonly replaces: boolean;
}

/** Every change a synth makes, computed before the first one. */
interface Plan {
  readonly mkdirs: string[];
  readonly writes: Write[];
  readonly removes: string[];
  readonly rmdirs: string[];
  readonly recordText: string;
  readonly intentText: string;
  readonly recordChanged: boolean;
  readonly warnings: string[];
}

function planChanges(folder: Folder, desired: Desired, libraryVersion: string): Plan {
  const disk = new Disk(folder);
  const old = readRecord(folder, disk);
  const owned: OutputRecord = old?.record ?? { files: new Map(), folders: new Set() };
  const problems = new Problems();
  const warnings: string[] = [];
  const { mkdirs, ownedFolders } = planFolders(desired, owned, disk, problems);
  const writes = planWrites(desired, owned, disk, problems, warnings);
  const removes = planRemovals(desired, owned, disk, problems, warnings);
  const { rmdirs, kept } = planFolderRemovals(desired, owned, removes, disk, problems);
  if (!old && folder.exists) warnings.push(...staleLookingFiles(desired, disk));
  warnings.push(...kept, ...leftoverStaging(folder, disk));
  problems.throwIfAny(folder);
  const record: OutputRecord = {
    files: new Map([...desired.files].map(([p, c]) => [p, [sha256(c)]])),
    folders: new Set(ownedFolders),
  };
  const recordText = renderRecord(record, libraryVersion);
  return {
    mkdirs,
    writes,
    removes,
    rmdirs,
    recordText,
    warnings,
    intentText: renderRecord(unionRecord(owned, record), libraryVersion),
    recordChanged: recordText !== old?.text,
  };
}

/** The folders to create, and the desired folders synth owns (created now or by an earlier synth). */
function planFolders(desired: Desired, owned: OutputRecord, disk: Disk, problems: Problems) {
  const mkdirs: string[] = [];
  const ownedFolders: string[] = [];
  for (const f of desired.folders) {
    const found = disk.probe(f);
    if (found.kind === 'missing') {
      mkdirs.push(f);
      ownedFolders.push(f);
    } else if (found.kind === 'dir') {
      if (owned.folders.has(f)) ownedFolders.push(f); // else the user's folder: written into, never owned
    } else {
      const at = found.kind === 'blocked' ? found.at : f;
      problems.add(at, `"${at}": synth must create the folder "${f}/", but "${at}" is ${describe(foundKind(found))}. Synth only writes into real `
        + 'folders: it never replaces a file or writes through a link inside the output folder. Fix: move it away (or replace the link '
        + 'with a real folder), or write to another folder (outdir / CDK8S_OUTDIR).');
    }
  }
  return { mkdirs, ownedFolders };
}

/** The files to create or change; a file synth did not write is never overwritten (unless it already has the content). */
function planWrites(desired: Desired, owned: OutputRecord, disk: Disk, problems: Problems, warnings: string[]): Write[] {
  const writes: Write[] = [];
  for (const [p, content] of desired.files) {
    const found = disk.probe(p);
    if (found.kind === 'missing') {
      writes.push({ path: p, content, replaces: false });
    } else if (found.kind === 'file') {
      const current = disk.read(p);
      if (current.equals(content)) continue; // identical: nothing to write (and safe to adopt)
      const hashes = owned.files.get(p);
      if (!hashes) {
        problems.add(p, foreignFileProblem(p, disk.hasRecord));
        continue;
      }
      if (!hashes.includes(sha256(current))) warnings.push(editedWarning(p, current, content, 'overwrote it with the generated content'));
      writes.push({ path: p, content, replaces: true });
    } else if (found.kind !== 'blocked') {
      problems.add(p, `"${p}": synth must write this file, but it is ${describe(found.kind)}. Synth never replaces a folder or a special file, `
        + 'nor writes through a link. Fix: move it away, or write to another folder (outdir / CDK8S_OUTDIR).');
    } // blocked: reported for the folder on its path
  }
  return writes;
}

function foreignFileProblem(p: string, hasRecord: boolean): string {
  const base = `"${p}": the file exists with other content, and synth has no record of writing it (it is not listed in ${RECORD_FILE}`
    + `${hasRecord ? '' : ', which does not exist yet'}): it is someone else's file, and synth never overwrites a file it did not write. `
    + `Fix: rename or move the file, or give the chart or object that renders "${p}" another name, or write to another folder (outdir / CDK8S_OUTDIR).`;
  if (hasRecord) return base;
  return `${base} If the folder holds the output of an earlier version of cdk8s-canary (which replaced the whole folder and kept no record), `
    + `migrate once: delete the files it generated (for example git rm "${p}"), synthesize again, and commit ${RECORD_FILE} with the manifests.`;
}

/** Owned files no longer produced: removed (a recorded file that became a folder or a link is refused). */
function planRemovals(desired: Desired, owned: OutputRecord, disk: Disk, problems: Problems, warnings: string[]): string[] {
  const removes: string[] = [];
  for (const [p, hashes] of [...owned.files].sort((a, b) => compareCodeUnits(a[0], b[0]))) {
    if (desired.files.has(p)) continue;
    const found = disk.probe(p);
    if (found.kind === 'missing' || (found.kind === 'blocked' && found.found !== 'link')) continue; // already gone
    if (found.kind === 'file') {
      const current = disk.read(p);
      if (!hashes.includes(sha256(current))) warnings.push(editedWarning(p, current, Buffer.alloc(0), 'no longer produces it and removed it'));
      removes.push(p);
      continue;
    }
    const at = found.kind === 'blocked' ? found.at : p;
    problems.add(at, `"${p}": the record lists it as a file synth wrote and no longer produces, but ${at === p ? 'it' : `"${at}" on its path`} `
      + `is now ${describe(foundKind(found))}; synth never deletes or follows it. `
      + 'Fix: move it away yourself (or replace the link with a real folder), or restore it from git.');
  }
  return removes;
}

/** Owned folders no longer used: removed when nothing else is left in them (children first). */
function planFolderRemovals(desired: Desired, owned: OutputRecord, removes: string[], disk: Disk, problems: Problems) {
  const wanted = new Set(desired.folders);
  const gone = new Set(removes);
  const rmdirs: string[] = [];
  const kept: string[] = [];
  for (const f of [...owned.folders].sort(compareCodeUnits).reverse()) { // children first
    if (wanted.has(f)) continue;
    const found = disk.probe(f);
    if (found.kind === 'missing' || found.kind === 'blocked') continue;
    if (found.kind !== 'dir') {
      problems.add(f, `"${f}/": the record lists it as a folder synth created and no longer uses, but it is now ${describe(found.kind)}; `
        + 'synth never deletes or follows it. Fix: move it away yourself, or restore it from git.');
      continue;
    }
    const others = disk.list(f).map(e => `${f}/${e}`).filter(e => !gone.has(e));
    if (others.length === 0) {
      rmdirs.push(f);
      gone.add(f);
    } else {
      const listed = `${others.slice(0, 3).join(', ')}${others.length > 3 ? ', ...' : ''}`;
      kept.push(`"${f}/" was created by synth, which no longer uses it, but it holds files synth did not write (${listed}): synth left it and no longer owns it.`);
    }
  }
  return { rmdirs, kept };
}

/** What an edit of a generated file loses when synth rewrites or removes it. */
function editedWarning(p: string, current: Buffer, next: Buffer, action: string): string {
  const keep = new Map<string, number>();
  for (const l of next.toString('utf-8').split('\n')) keep.set(l, (keep.get(l) ?? 0) + 1);
  const lost: string[] = [];
  for (const l of current.toString('utf-8').split('\n')) {
    const n = keep.get(l) ?? 0;
    if (n > 0) keep.set(l, n - 1);
    else if (l.trim() !== '') lost.push(JSON.stringify(l.trim()));
  }
  const what = lost.length === 0 ? 'no line of the edited version is lost'
    : `lost lines: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ` and ${lost.length - 5} more` : ''}`;
  return `"${p}" was edited since the last synth (its sha256 is not the one in ${RECORD_FILE}); synth ${action} (${what}). `
    + 'Make the change in the program (for example the image tag), or every synth undoes it; the edited version is in git if it was committed.';
}

/** Without a record: files next to the output that look like output of an earlier synth (same name suffix). */
function staleLookingFiles(desired: Desired, disk: Disk): string[] {
  const suffixes = new Set([...desired.files.keys()].filter(p => !p.includes('/') && p.includes('.')).map(p => p.slice(p.indexOf('.'))));
  const stale = disk.list('').filter(e => !desired.files.has(e) && disk.probe(e).kind === 'file' && [...suffixes].some(s => e.endsWith(s)));
  if (stale.length === 0) return [];
  return [`there is no ${RECORD_FILE} in it yet, and it holds ${stale.map(s => `"${s}"`).join(', ')}, which look like the output of an earlier `
    + 'synth (the same name suffix as the files synth writes), but synth has no record of writing them, so it leaves them. If they are stale '
    + '(a chart you removed), delete them: Argo CD still deploys them.'];
}

/** Staging folders of an interrupted synth: reported, never deleted (another synth may be running). */
function leftoverStaging(folder: Folder, disk: Disk): string[] {
  return disk.list('').filter(e => e.startsWith(STAGING_PREFIX)).map(e => `"${e}" is left over from an interrupted synth (it holds `
    + `the previous versions of the files being replaced; git ignores it). Delete it once no synth is running: rm -rf "${path.join(folder.shown, e)}"`);
}

/** The record in the folder (undefined when there is none); only a regular file is read. */
function readRecord(folder: Folder, disk: Disk): { record: OutputRecord; text: string } | undefined {
  const found = disk.probe(RECORD_FILE);
  if (found.kind === 'missing') return undefined;
  const where = path.join(folder.shown, RECORD_FILE);
  if (found.kind !== 'file') {
    throw new Error(`${where} is ${describe(foundKind(found))}, not a regular file: synth reads its ownership record `
      + `only from a regular file and never follows a link. Fix: replace it with the record from git (git checkout -- ${where}), or remove it.`);
  }
  const text = disk.read(RECORD_FILE).toString('utf-8');
  return { record: parseRecord(text, where), text };
}

/** The conflicts found while planning, one per path, reported together. */
class Problems {
  private readonly byPath = new Map<string, string>();

  public add(at: string, message: string): void {
    if (!this.byPath.has(at)) this.byPath.set(at, message);
  }

  public throwIfAny(folder: Folder): void {
    const all = [...this.byPath.values()];
    if (all.length === 0) return;
    throw new Error(`Synth did not change the output folder "${folder.shown}": ${all.length === 1 ? 'a problem' : `${all.length} problems`} `
      + `must be fixed first:\n  ${all.join('\n  ')}`);
  }
}

type Kind = 'file' | 'dir' | 'link' | 'other';
type Probe = { readonly kind: 'missing' } | { readonly kind: Kind } | { readonly kind: 'blocked'; readonly at: string; readonly found: Kind };

/** Read-only, cached views of the folder's entries (no link is ever followed). */
class Disk {
  public readonly hasRecord: boolean;
  private readonly stats = new Map<string, fs.Stats | undefined>();

  constructor(private readonly folder: Folder) {
    this.hasRecord = this.probe(RECORD_FILE).kind !== 'missing';
  }

  /** What is at `rel`; `blocked` when something other than a folder is on its path. */
  public probe(rel: string): Probe {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const at = parts.slice(0, i).join('/');
      const st = this.lstat(at);
      if (!st) return { kind: 'missing' };
      if (!st.isDirectory()) return { kind: 'blocked', at, found: kindOf(st) };
    }
    const st = this.lstat(rel);
    return st ? { kind: kindOf(st) } : { kind: 'missing' };
  }

  public read(rel: string): Buffer {
    return fs.readFileSync(path.join(this.folder.root, rel));
  }

  /** The names in folder `rel` ('' for the output folder), sorted. */
  public list(rel: string): string[] {
    if (!this.folder.exists) return [];
    return fs.readdirSync(path.join(this.folder.root, rel)).sort(compareCodeUnits);
  }

  private lstat(rel: string): fs.Stats | undefined {
    if (!this.folder.exists) return undefined;
    if (!this.stats.has(rel)) this.stats.set(rel, lstatOrUndefined(path.join(this.folder.root, rel)));
    return this.stats.get(rel);
  }
}

/** One step to take back if the synth fails. */
interface Undo {
  readonly what: string;
  readonly run: () => void;
  /** Removing the staging folder: skipped when an earlier step could not be taken back (it holds the backups). */
  readonly staging?: boolean;
}

/** Makes the changes, taking them all back on an error. Returns warnings (a staging folder it could not remove). */
function applyPlan(folder: Folder, plan: Plan): string[] {
  const undo: Undo[] = [];
  let stage: string | undefined;
  try {
    if (folder.exists) keepFolderTimes(folder.root, plan, undo);
    else createRoot(folder.root, undo);
    const s = fs.mkdtempSync(path.join(folder.root, STAGING_PREFIX));
    stage = s;
    undo.push({ what: `remove ${s}`, run: () => fs.rmSync(s, { recursive: true, force: true }), staging: true });
    fs.writeFileSync(path.join(s, '.gitignore'), STAGING_GITIGNORE); // first: from now on git never sees the folder
    plan.writes.forEach((w, i) => fs.writeFileSync(path.join(s, `new-${i}`), w.content));
    fs.writeFileSync(path.join(s, 'intent'), plan.intentText);
    fs.writeFileSync(path.join(s, 'record'), plan.recordText);
    moveIntoPlace(folder.root, s, plan, undo);
  } catch (e) {
    throw rollback(folder, undo, e, stage);
  }
  try {
    fs.rmSync(stage, { recursive: true, force: true });
    return [];
  } catch (e) {
    return [`synth wrote every file, but could not remove its staging folder "${stage}" (${(e as Error).message}); git ignores it. Delete it.`];
  }
}

function moveIntoPlace(root: string, stage: string, plan: Plan, undo: Undo[]): void {
  const at = (rel: string) => path.join(root, rel);
  const record = at(RECORD_FILE);
  // the record of everything synth owns before and after: whatever happens next, nothing it touches becomes foreign
  put(record, path.join(stage, 'intent'), lstatOrUndefined(record) ? path.join(stage, 'old-record') : undefined, undo);
  for (const f of plan.mkdirs) {
    fs.mkdirSync(at(f)); // the umask's mode, like any new folder
    undo.push({ what: `remove the new folder ${at(f)}`, run: () => fs.rmdirSync(at(f)) });
  }
  plan.writes.forEach((w, i) => put(at(w.path), path.join(stage, `new-${i}`), w.replaces ? path.join(stage, `old-${i}`) : undefined, undo));
  plan.removes.forEach((p, i) => {
    const aside = path.join(stage, `removed-${i}`);
    fs.renameSync(at(p), aside);
    undo.push({ what: `put back ${at(p)}`, run: () => fs.renameSync(aside, at(p)) });
  });
  for (const f of plan.rmdirs) {
    const mode = fs.lstatSync(at(f)).mode % 0o10000;
    fs.rmdirSync(at(f));
    undo.push({ what: `recreate the folder ${at(f)}`, run: () => { fs.mkdirSync(at(f)); fs.chmodSync(at(f), mode); } });
  }
  fs.renameSync(path.join(stage, 'record'), record); // the final record (the first step's undo restores the old one)
}

/** The last undo step: give the existing folders whose entries change their modification times back. */
function keepFolderTimes(root: string, plan: Plan, undo: Undo[]): void {
  const changed = [...plan.mkdirs, ...plan.writes.map(w => w.path), ...plan.removes, ...plan.rmdirs];
  const touched = new Set([root, ...changed.map(p => path.dirname(path.join(root, p)))]);
  const times = [...touched].flatMap(d => {
    const st = lstatOrUndefined(d);
    return st?.isDirectory() ? [{ d, atime: st.atimeMs / 1000, mtime: st.mtimeMs / 1000 }] : []; // to the microsecond: what utimes takes
  });
  undo.push({ what: 'give the folders their modification times back', run: () => times.forEach(t => fs.utimesSync(t.d, t.atime, t.mtime)) });
}

/** Renames `staged` to `target` (atomically replacing it); keeps the replaced file as `backup` (same inode: mode and mtime kept). */
function put(target: string, staged: string, backup: string | undefined, undo: Undo[]): void {
  if (backup) {
    try {
      fs.linkSync(target, backup);
    } catch {
      fs.copyFileSync(target, backup); // a file system without hard links
      const st = fs.statSync(target);
      fs.chmodSync(backup, st.mode % 0o10000);
      fs.utimesSync(backup, st.atimeMs / 1000, st.mtimeMs / 1000);
    }
  }
  fs.renameSync(staged, target);
  undo.push(backup
    ? { what: `put back ${target}`, run: () => fs.renameSync(backup, target) }
    : { what: `remove the new file ${target}`, run: () => fs.unlinkSync(target) });
}

/** Creates the output folder and its missing parents (the umask's mode); the undo removes what it created. */
function createRoot(root: string, undo: Undo[]): void {
  const first = fs.mkdirSync(root, { recursive: true }) ?? root;
  const created: string[] = [];
  for (let d = root; ; d = path.dirname(d)) {
    created.push(d);
    if (d === first || path.dirname(d) === d) break;
  }
  undo.push({ what: `remove the new folder ${first}`, run: () => created.forEach(d => fs.rmdirSync(d)) });
}

function rollback(folder: Folder, undo: Undo[], cause: unknown, stage: string | undefined): Error {
  const failed: string[] = [];
  for (const u of [...undo].reverse()) {
    if (u.staging && failed.length > 0) continue; // it holds the previous versions
    try {
      u.run();
    } catch (e) {
      failed.push(`${u.what} (${(e as Error).message})`);
    }
  }
  const why = (cause as Error)?.message ?? String(cause);
  if (failed.length === 0) {
    return new Error(`Synth could not write the output folder "${folder.shown}" (${why}); it put everything back, nothing changed.`, { cause });
  }
  return new Error(`Synth could not write the output folder "${folder.shown}" (${why}), and could not undo every change: `
    + `${failed.join('; ')}. The previous versions of the files are in "${stage}" (git ignores it): move them back by hand.`, { cause });
}

function kindOf(st: fs.Stats): Kind {
  if (st.isSymbolicLink()) return 'link';
  if (st.isDirectory()) return 'dir';
  return st.isFile() ? 'file' : 'other';
}

/** What was found at a path, or on its path when it is blocked. */
function foundKind(probe: Exclude<Probe, { kind: 'missing' }>): Kind {
  return probe.kind === 'blocked' ? probe.found : probe.kind;
}

function describe(kind: Kind): string {
  return { file: 'a file', dir: 'a folder', link: 'a symbolic link', other: 'a special file (socket, FIFO or device)' }[kind];
}

/** What is at `p` (the link itself, unless `follow`), or undefined when nothing is. */
function lstatOrUndefined(p: string, follow = false): fs.Stats | undefined {
  try {
    return follow ? fs.statSync(p) : fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}
