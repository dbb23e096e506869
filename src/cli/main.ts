// The `cdk8s-canary` command. `lint` reads files and folders of Kubernetes YAML and runs the rules that apply to
// plain manifests (docs/lint.md). Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or read errors.
import * as fs from 'fs';
import * as path from 'path';
import { renderJson, renderSarif, renderText, Report } from './_format';
import { lint, Repository } from './_lint';
import { loadInputs, STDIN } from './_load';
import { CATALOG } from '../rules/_catalog';

/** Where the command writes, and the folder relative paths start from. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Reads all of standard input (for the path `-`). */
  readonly readStdin: () => string;
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = typeof FORMATS[number];
const LEVELS = ['error', 'warning'] as const;

const USAGE = `Usage: cdk8s-canary lint [options] <file or folder>...

Checks Kubernetes YAML (Argo Rollouts, Istio, Argo CD objects; other kinds are ignored) with the rules of
cdk8s-canary. Folders are searched for *.yaml and *.yml files; - reads standard input
(kustomize build overlays/prod | cdk8s-canary lint -).

Options:
  --format text|json|sarif   output format (default: text); json and sarif for pipelines
  --fail-on error|warning    exit with 1 when a finding has this level or a higher one (default: error)
  --strict                   the rules of cdk8s-canary (CR3xx) are errors for every object, not only for its output
  --skip CODE[,CODE...]      leave out these rule or plan codes
  --repo-root DIR            the root of the Git repository the files are in, where the source paths of the
                             Argo CD Applications among them start (default: the folder above the working
                             folder that holds .git, else the working folder)
  -h, --help                 this text
  --version                  the version of cdk8s-canary

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or read errors.
See docs/lint.md in the package.
`;

/** Parsed options of `lint`. */
interface LintArgs {
  readonly format: Format;
  readonly failOn: 'error' | 'warning';
  readonly strict: boolean;
  readonly skip: string[];
  readonly paths: string[];
  /** As given (relative to the working folder), or undefined to look for it. */
  readonly repoRoot?: string;
}

class UsageError extends Error {}

/** Runs the command with `argv` (the arguments after the program name); returns the exit code. */
export function runCli(argv: string[], io: CliIo): number {
  try {
    if (argv.length === 0 || argv[0] === '-h' || argv[0] === '--help') {
      (argv.length === 0 ? io.stderr : io.stdout)(USAGE);
      return argv.length === 0 ? EXIT_USAGE : EXIT_CLEAN;
    }
    if (argv[0] === '--version') {
      io.stdout(`${packageVersion()}\n`);
      return EXIT_CLEAN;
    }
    if (argv[0] !== 'lint') throw new UsageError(`unknown command "${argv[0]}": the command is "lint"`);
    const args = parseLintArgs(argv.slice(1));
    if (args === 'help') {
      io.stdout(USAGE);
      return EXIT_CLEAN;
    }
    return runLint(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-canary: ${e.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
}

function parseLintArgs(argv: string[]): LintArgs | 'help' {
  let format: Format = 'text';
  let failOn: 'error' | 'warning' = 'error';
  let strict = false;
  const skip: string[] = [];
  const paths: string[] = [];
  let repoRoot: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') return 'help';
    else if (flag === '--format') format = oneOf(flag, value(), FORMATS);
    else if (flag === '--fail-on') failOn = oneOf(flag, value(), LEVELS);
    else if (flag === '--strict') strict = true;
    else if (flag === '--repo-root') repoRoot = value();
    else if (flag === '--skip') skip.push(...value().split(',').map(s => s.trim()).filter(s => s !== ''));
    else if (flag === '--') paths.push(...argv.slice(i + 1)), i = argv.length;
    else if (flag.startsWith('-') && flag !== STDIN) throw new UsageError(`unknown option ${flag}`);
    else paths.push(arg);
  }
  if (paths.length === 0) throw new UsageError('no file or folder to lint: pass the manifests, for example `cdk8s-canary lint dist/`');
  if (paths.filter(p => p === STDIN).length > 1) throw new UsageError('- (standard input) is given more than once: it can be read only once, pass it once');
  const unknown = skip.filter(code => !CATALOG.some(r => r.code === code) && !/^PLAN\d{3}$/.test(code));
  if (unknown.length > 0) {
    throw new UsageError(`--skip (${unknown.join(', ')}) names no rule or plan code: use the codes of docs/rules.md (CR101...) and docs/plan.md (PLAN001...)`);
  }
  return { format, failOn, strict, skip, paths, repoRoot };
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} (${JSON.stringify(v)}) must be one of ${allowed.join(', ')}`);
  return v as T;
}

function runLint(args: LintArgs, io: CliIo): number {
  const repository = findRepository(args.repoRoot, io.cwd);
  const inputs = loadInputs(args.paths, io.cwd, io.readStdin);
  const result = inputs.problems.length > 0 ? { findings: [], notes: [] }
    : lint(inputs.objects, { strict: args.strict, skip: args.skip, repository });
  const report: Report = {
    version: packageVersion(),
    files: inputs.files,
    objects: inputs.objects.length,
    findings: result.findings,
    problems: inputs.problems,
    notes: result.notes,
    failOn: args.failOn,
  };
  const render = { text: renderText, json: renderJson, sarif: renderSarif }[args.format];
  // json and sarif: the problems to stderr as well, for the person reading the pipeline log
  if (args.format !== 'text' && inputs.problems.length > 0) io.stderr(renderText({ ...report, findings: [], notes: [] }));
  io.stdout(render(report));
  if (inputs.problems.length > 0) return EXIT_USAGE;
  const failing = result.findings.filter(f => f.level === 'error' || args.failOn === 'warning');
  return failing.length > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

/**
 * The repository the files are in: `--repo-root`, else the nearest folder from the working folder up that holds
 * `.git` (a folder, or a file in a worktree), else the working folder.
 */
function findRepository(given: string | undefined, cwd: string): Repository {
  let root = given === undefined ? undefined : path.resolve(cwd, given);
  if (root !== undefined && !isFolder(root)) {
    throw new UsageError(`--repo-root (${JSON.stringify(given)}) is no folder: pass the root of the Git repository`);
  }
  for (let dir = cwd; root === undefined; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) root = dir;
    else if (path.dirname(dir) === dir) root = cwd;
  }
  const top = root;
  return {
    root: top,
    listFolder: folder => {
      const full = path.join(top, ...folder.split('/').filter(p => p !== ''));
      return isFolder(full) ? fs.readdirSync(full) : undefined;
    },
  };
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The version in the package.json of cdk8s-canary above this file ('0.0.0' when none is found). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === 'cdk8s-canary') return String(pkg.version);
      } catch {
        // not a readable package.json: look further up
      }
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

/** The entry point of the `cdk8s-canary` bin. */
export function main(): void {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    cwd: process.cwd(),
    readStdin: () => fs.readFileSync(0, 'utf8'),
  });
}
