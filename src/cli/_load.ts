// Reading the inputs of `cdk8s-canary lint`: files and folders of Kubernetes YAML, each document with the file and
// line it starts on, and whether the file is this library's own output. Reading only: nothing here writes.
import * as fs from 'fs';
import * as path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { SKIP_RENDERING_MARKER } from '../private/argocd/source-files';
import { compareCodeUnits } from '../private/format';
import { parseRecord, RECORD_FILE } from '../private/synth/output-record';

/** One Kubernetes object of the inputs. */
export interface InputObject {
  /** The object as plain JSON. */
  readonly manifest: any;
  /** The file, as given or found (relative to the working folder when under it, '/'-separated). */
  readonly file: string;
  /** The 1-based line where the object's document starts. */
  readonly line: number;
  /** The file is listed in the ownership record that cdk8s-canary synth writes next to its output. */
  readonly writtenBySynth: boolean;
  /** The file's absolute path (none for standard input). */
  readonly absolute?: string;
  /** The file holds Argo CD's marker that leaves it out of a directory source (`+argocd:skip-file-rendering`). */
  readonly skipsRendering: boolean;
}

/** An input that cannot be read as Kubernetes YAML. */
export interface ReadProblem {
  readonly file: string;
  /** 1-based, when the problem is at a place in the file. */
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** What the inputs hold. */
export interface Inputs {
  /** Every YAML file read, in the order read. */
  readonly files: string[];
  readonly objects: InputObject[];
  readonly problems: ReadProblem[];
}

/** The file names a folder is searched for. */
const YAML_FILE = /\.ya?ml$/;

/**
 * The path that stands for standard input, as given and as shown in reports (shellcheck and other linters show it
 * so; it is also a valid relative URI in SARIF).
 */
export const STDIN = '-';

/**
 * Reads `paths` (files, or folders searched recursively for `*.yaml` and `*.yml`, hidden entries and
 * node_modules left out), relative to `cwd`; `-` is standard input, read with `readStdin`.
 */
export function loadInputs(paths: string[], cwd: string, readStdin: () => string): Inputs {
  const files: string[] = [];
  const problems: ReadProblem[] = [];
  for (const p of paths) {
    const found = p === STDIN ? [STDIN] : expand(path.resolve(cwd, p), p, problems);
    files.push(...found.filter(f => !files.includes(f)));
  }
  const objects: InputObject[] = [];
  const owned = new OwnershipRecords();
  for (const file of files) {
    const shown = file === STDIN ? STDIN : displayPath(file, cwd);
    const text = file === STDIN ? readStandardInput(readStdin, problems) : readText(file, shown, problems);
    if (text === undefined) continue;
    const writtenBySynth = file !== STDIN && owned.lists(file, shown, problems);
    const place = { file: shown, writtenBySynth, absolute: file === STDIN ? undefined : file, skipsRendering: text.includes(SKIP_RENDERING_MARKER) };
    for (const o of parseObjects(text, shown, problems)) objects.push({ ...o, ...place });
  }
  return { files: files.map(f => (f === STDIN ? STDIN : displayPath(f, cwd))), objects, problems };
}

/**
 * Standard input as text. Empty input is a problem: in a pipeline (`kustomize build overlays/prod | cdk8s-canary
 * lint -`) it usually means that the command before the pipe failed, and a clean report would hide that.
 */
function readStandardInput(readStdin: () => string, problems: ReadProblem[]): string | undefined {
  let text: string;
  try {
    text = readStdin();
  } catch (e: any) {
    problems.push({ file: STDIN, message: `cannot read standard input (${e?.code ?? e}): pipe the manifests in, or pass files` });
    return undefined;
  }
  if (text.includes('\0')) {
    problems.push({ file: STDIN, message: 'standard input is not YAML (it holds NUL bytes, as binary data does): pipe in Kubernetes YAML' });
    return undefined;
  }
  if (text.trim() === '') {
    problems.push({ file: STDIN, message: 'standard input is empty: did the command before the pipe fail? Pipe in the manifests (for example `kustomize build overlays/prod | cdk8s-canary lint -`)' });
    return undefined;
  }
  return text;
}

/** The YAML files of a path: the file itself, or those under the folder in code-unit order. */
function expand(abs: string, given: string, problems: ReadProblem[]): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch (e: any) {
    problems.push({ file: given, message: `cannot read it (${e?.code ?? e}): pass an existing file or folder` });
    return [];
  }
  if (!stat.isDirectory()) return [abs];
  const found = walk(abs, problems);
  if (found.length === 0) {
    problems.push({ file: given, message: 'the folder holds no *.yaml or *.yml file: pass the folder of the manifests, or the files themselves' });
  }
  return found;
}

function walk(dir: string, problems: ReadProblem[]): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e: any) {
    problems.push({ file: dir, message: `cannot list the folder (${e?.code ?? e})` });
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => compareCodeUnits(a.name, b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, problems));
    else if (YAML_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

function readText(file: string, shown: string, problems: ReadProblem[]): string | undefined {
  try {
    const bytes = fs.readFileSync(file);
    if (bytes.includes(0)) {
      problems.push({ file: shown, message: 'it is not YAML (it holds NUL bytes, as binary files do): pass only Kubernetes YAML files' });
      return undefined;
    }
    return bytes.toString('utf8');
  } catch (e: any) {
    problems.push({ file: shown, message: `cannot read it (${e?.code ?? e}): check that the file exists and is readable` });
    return undefined;
  }
}

/** The path shown in output: relative to `cwd` with '/' when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/**
 * The Kubernetes objects of a multi-document YAML text (`kind: List` items expanded); documents that are not
 * mappings with a string `kind` are left out, except scalars, which mean the file is not YAML of objects.
 */
export function parseObjects(text: string, file: string, problems: ReadProblem[]): Array<{ manifest: any; line: number }> {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: true, lineCounter, prettyErrors: false });
  const out: Array<{ manifest: any; line: number }> = [];
  let failed = false;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    for (const error of doc.errors) {
      failed = true;
      const pos = lineCounter.linePos(error.pos[0]);
      const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(text.slice(error.pos[0]))![1].trim();
      problems.push({ file, line: pos.line, column: pos.col, message: yamlMessage(error.code, error.message, key) });
    }
    if (failed || doc.contents === null) continue;
    const line = lineCounter.linePos(doc.contents.range[0]).line;
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      failed = true;
      problems.push({ file, line, message: `the document is a ${Array.isArray(value) ? 'list' : 'plain value'}, not a Kubernetes object (a mapping with apiVersion and kind): is this a YAML file of manifests?` });
      continue;
    }
    if (value.kind === 'List' && Array.isArray(value.items)) {
      out.push(...value.items.filter(isObject).map((manifest: any) => ({ manifest, line })));
    } else if (isObject(value)) {
      out.push({ manifest: value, line });
    }
  }
  return failed ? [] : out;
}

function isObject(v: any): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v.kind === 'string';
}

/** The parser's message, first line only, with a fix; `key` is the text at the error (the key, for a duplicate). */
function yamlMessage(code: string, message: string, key: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (code === 'DUPLICATE_KEY') {
    return `the key ${JSON.stringify(key)} appears twice in one mapping (${first}); tools disagree on which value wins, and some refuse the file: keep one of them`;
  }
  return `it is not valid YAML (${first}): fix the file or leave it out of the inputs`;
}

/** The ownership records (`cdk8s-canary.owned.txt`) of the folders of the inputs, read once per folder. */
class OwnershipRecords {
  private readonly byFolder = new Map<string, ReadonlySet<string> | undefined>();

  /** Whether the record in the file's folder lists it (an unreadable record is a problem and lists nothing). */
  public lists(file: string, shown: string, problems: ReadProblem[]): boolean {
    const folder = path.dirname(file);
    if (!this.byFolder.has(folder)) this.byFolder.set(folder, readRecord(folder, shown, problems));
    return this.byFolder.get(folder)?.has(path.basename(file)) ?? false;
  }
}

function readRecord(folder: string, shown: string, problems: ReadProblem[]): ReadonlySet<string> | undefined {
  const file = path.join(folder, RECORD_FILE);
  if (!fs.existsSync(file)) return undefined;
  try {
    return new Set(parseRecord(fs.readFileSync(file, 'utf8'), file).files.keys());
  } catch (e: any) {
    problems.push({ file: path.posix.join(path.posix.dirname(shown), RECORD_FILE), message: `cannot read the ownership record: ${e?.message ?? e}` });
    return undefined;
  }
}
