// The ownership record: the small text file in the output folder that lists what synth wrote there, so that
// the next synth knows which files are its own (to rewrite, or to remove when no longer produced) and which
// belong to someone else (never touched). Format and parsing only; the folder writer (output-folder.ts) uses it.
//
// Its name ends in .txt on purpose: Argo CD reads every *.yaml, *.yml, *.json and *.jsonnet file of a
// directory source as a manifest (argoproj/argo-cd, reposerver/repository/repository.go, `manifestFile`), so a
// JSON or YAML record in a synced folder would break the sync.
import { createHash } from 'crypto';
import { compareCodeUnits } from '../format';

/** The record's file name, at the top of the output folder. */
export const RECORD_FILE = 'cdk8s-canary.owned.txt';

/** The record format this library writes and reads. */
export const RECORD_FORMAT = 1;

const TITLE = '# cdk8s-canary output record, format ';
const FILE_LINE = /^([0-9a-f]{64}) {2}(.+)$/;
const FOLDER_LINE = /^folder {2}(.+)\/$/;

/** What a synth owns in an output folder: paths relative to the folder, with '/' separators. */
export interface OutputRecord {
  /**
   * Each file synth wrote, with the sha256 of its content. A file has more than one hash only in the record
   * written while a synth moves files into place (old and new content are both its own).
   */
  readonly files: ReadonlyMap<string, readonly string[]>;
  /** Each folder synth created (without a trailing '/'). */
  readonly folders: ReadonlySet<string>;
}

/** The sha256 of `content` (hex). */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Why `p` is not a plain path inside the folder (undefined when it is one): relative, '/'-separated, without
 * '.', '..' or empty segments, without '\', NUL or line breaks, and not the record itself.
 */
export function unsafePathReason(p: string): string | undefined {
  if (p === '') return 'which is empty';
  if (p.startsWith('/')) return 'which is an absolute path, outside the folder';
  if (/[\\\0\r\n]/.test(p)) return "which contains '\\', a NUL or a line break";
  const segments = p.split('/');
  if (segments.includes('..')) return "which contains '..' and may point outside the folder";
  if (segments.some(s => s === '' || s === '.')) return "which has an empty or '.' segment (it names the folder itself or is not normalized)";
  if (p === RECORD_FILE) return 'which is the record itself';
  return undefined;
}

/** The text of `record`, entries sorted by path (code-unit order), so that the same output gives the same bytes. */
export function renderRecord(record: OutputRecord, libraryVersion: string): string {
  const lines: Array<[string, string]> = [];
  for (const [file, hashes] of record.files) {
    for (const h of [...new Set(hashes)].sort(compareCodeUnits)) lines.push([file, `${h}  ${file}`]);
  }
  for (const folder of record.folders) lines.push([`${folder}/`, `folder  ${folder}/`]);
  lines.sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]));
  return [
    `${TITLE}${RECORD_FORMAT}. Written by cdk8s-canary ${libraryVersion} at every synth.`,
    '# Commit it with the manifests and do not edit it. Synth rewrites the files listed here and removes the ones',
    '# it no longer produces; it never changes any other file in this folder.',
    '# Lines: "<sha256>  <file>" for each file synth wrote, "folder  <folder>/" for each folder it created.',
    `# Check the files against it (in this folder): grep -E '^[0-9a-f]{64}  ' ${RECORD_FILE} | sha256sum -c`,
    ...lines.map(l => l[1]),
    '',
  ].join('\n');
}

/**
 * Parses a record. Throws, naming the line, when it is not a record of a format this library reads, or
 * when an entry is not a plain path inside the folder (synth never follows such an entry).
 * @param where the record's path, for messages
 */
export function parseRecord(text: string, where: string): OutputRecord {
  const fix = `The record is written by synth only: restore it from git (git checkout -- ${where}), or delete it to let the next synth start a new one`;
  const lines = text.split('\n');
  const title = lines[0] ?? '';
  const format = title.startsWith(TITLE) ? Number.parseInt(title.slice(TITLE.length), 10) : NaN;
  if (Number.isNaN(format)) {
    throw new Error(`${where} is not a cdk8s-canary output record: its first line is ${JSON.stringify(title.slice(0, 80))}, expected it to start with "${TITLE}". ${fix}.`);
  }
  if (format !== RECORD_FORMAT) {
    throw new Error(`${where} has record format ${format}, and this version of cdk8s-canary reads format ${RECORD_FORMAT} only: `
      + 'it was written by another version of the library. Fix: synthesize with the version that wrote it (see its first line), or upgrade cdk8s-canary.');
  }
  const files = new Map<string, string[]>();
  const folders = new Set<string>();
  lines.forEach((line, i) => {
    if (i === 0 || line === '' || line.startsWith('#')) return;
    const file = FILE_LINE.exec(line);
    const folder = file ? undefined : FOLDER_LINE.exec(line);
    const p = file?.[2] ?? folder?.[1];
    if (p === undefined) {
      throw new Error(`${where} line ${i + 1} (${JSON.stringify(line.slice(0, 120))}) is neither "<sha256>  <file>" nor "folder  <folder>/". ${fix}.`);
    }
    const unsafe = unsafePathReason(p);
    if (unsafe) {
      throw new Error(`${where} line ${i + 1} lists "${p}", ${unsafe}; synth never follows such an entry (it only owns plain paths inside the folder). ${fix}.`);
    }
    if (file) files.set(p, [...(files.get(p) ?? []), file[1]]);
    else folders.add(p);
  });
  for (const p of files.keys()) {
    if (folders.has(p)) throw new Error(`${where} lists "${p}" both as a file and as a folder. ${fix}.`);
  }
  return { files, folders };
}

/** Everything either record owns: the record written while a synth moves files into place. */
export function unionRecord(a: OutputRecord, b: OutputRecord): OutputRecord {
  const files = new Map<string, string[]>();
  for (const r of [a, b]) {
    for (const [p, hashes] of r.files) files.set(p, [...(files.get(p) ?? []), ...hashes]);
  }
  return { files, folders: new Set([...a.folders, ...b.folders]) };
}
