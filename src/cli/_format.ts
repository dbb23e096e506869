// The output formats of `cdk8s-canary lint`: text for people, JSON and SARIF 2.1.0 for pipelines. Rendering only.
import { LintFinding } from './_lint';
import { ReadProblem } from './_load';
import { CATALOG } from '../rules/_catalog';

/** What a format renders. */
export interface Report {
  readonly version: string;
  /** The YAML files read. */
  readonly files: string[];
  /** The number of Kubernetes objects read. */
  readonly objects: number;
  readonly findings: LintFinding[];
  /** Inputs that could not be read (then there are no findings: the set is incomplete). */
  readonly problems: ReadProblem[];
  /** Remarks that are not findings (a Rollout the plan cannot read). */
  readonly notes: string[];
  readonly failOn: 'error' | 'warning';
}

/** `file:line` (or `file`, or the object when it is not in the inputs). */
function where(f: { file?: string; line?: number }): string {
  if (f.file === undefined) return '(not in the inputs)';
  return f.line === undefined ? f.file : `${f.file}:${f.line}`;
}

/** The text report: one line per finding, then a summary line. Problems come first, with their position. */
export function renderText(r: Report): string {
  const lines: string[] = [];
  for (const p of r.problems) {
    const pos = p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
    lines.push(`${pos}: cannot lint: ${p.message}`);
  }
  for (const f of r.findings) {
    const at = f.path ? `${f.object} ${f.path}` : f.object;
    const fix = f.fix ? ` Fix: ${f.fix}.` : '';
    lines.push(`${where(f)}: ${f.level} ${f.code} ${at}: ${f.message}.${fix} (${f.docs})`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(summary(r));
  return lines.join('\n') + '\n';
}

function summary(r: Report): string {
  if (r.problems.length > 0) {
    return `${plural(r.problems.length, 'input problem')}: nothing was linted (fix the inputs, then run again)`;
  }
  const errors = r.findings.filter(f => f.level === 'error').length;
  const warnings = r.findings.length - errors;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(r.objects, 'object')} of ${plural(r.files.length, 'file')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The JSON report (format 1): the summary, the findings and the problems. */
export function renderJson(r: Report): string {
  const errors = r.findings.filter(f => f.level === 'error').length;
  return JSON.stringify({
    format: 1,
    tool: { name: 'cdk8s-canary', version: r.version },
    files: r.files,
    summary: { objects: r.objects, errors, warnings: r.findings.length - errors, problems: r.problems.length, failOn: r.failOn },
    findings: r.findings.map(f => ({
      code: f.code,
      level: f.level,
      file: f.file ?? null,
      line: f.line ?? null,
      object: f.object,
      path: f.path,
      message: f.message,
      fix: f.fix,
      docs: f.docs,
    })),
    problems: r.problems.map(p => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, message: p.message })),
    notes: r.notes,
  }, null, 2) + '\n';
}

/** A SARIF reportingDescriptor for each rule of the catalog, and for each plan code among the findings. */
function sarifRules(findings: LintFinding[]): any[] {
  const rules: any[] = CATALOG.map(r => ({
    id: r.code,
    shortDescription: { text: r.title },
    help: { text: `See ${r.docs} in the cdk8s-canary package.` },
    defaultConfiguration: { level: r.severity },
    properties: { source: r.source, upstream: r.upstream },
  }));
  const planCodes = [...new Set(findings.map(f => f.code).filter(c => c.startsWith('PLAN')))].sort();
  for (const code of planCodes) {
    rules.push({
      id: code,
      shortDescription: { text: `rollout plan warning ${code}` },
      help: { text: `See docs/plan.md#${code.toLowerCase()} in the cdk8s-canary package.` },
      defaultConfiguration: { level: 'warning' },
      properties: { source: 'rollout-plan' },
    });
  }
  return rules;
}

function sarifLocation(file: string, line: number | undefined): any {
  return { physicalLocation: { artifactLocation: { uri: encodeURI(file) }, ...(line === undefined ? {} : { region: { startLine: line } }) } };
}

/** The SARIF 2.1.0 log: one run, the catalog as the driver's rules, a result per finding, problems as notifications. */
export function renderSarif(r: Report): string {
  const rules = sarifRules(r.findings);
  const index = new Map(rules.map((rule, i) => [rule.id as string, i]));
  const results = r.findings.map(f => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code),
    level: f.level,
    message: { text: `${f.path ? `${f.object} ${f.path}` : f.object}: ${f.message}.${f.fix ? ` Fix: ${f.fix}.` : ''}` },
    locations: f.file === undefined ? [] : [sarifLocation(f.file, f.line)],
    properties: { object: f.object, path: f.path },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'cdk8s-canary', semanticVersion: r.version, rules } },
      invocations: [{
        executionSuccessful: r.problems.length === 0,
        toolExecutionNotifications: r.problems.map(p => ({
          level: 'error',
          message: { text: p.message },
          locations: [sarifLocation(p.file, p.line)],
        })),
      }],
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
