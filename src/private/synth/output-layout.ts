// Which files a synth writes, for each `yamlOutputType` of the cdk8s App props, with the names and bytes
// `App.synth()` of cdk8s 2.68 gives them (cdk8s-team/cdk8s-core, src/app.ts, `synth()` and
// `writeConstructMetadata()`), except one documented choice: charts that depend on each other keep their plain
// names (cdk8s prefixes every name with a counter, 0000-, 0001-..., which renames every file when a chart is
// added). Unlike cdk8s, two outputs with the same file name are an error instead of one overwriting the other.
import { ApiObject, Chart, Yaml, YamlOutputType } from 'cdk8s';

/** One chart, rendered: its objects (in file order) and their manifests. */
export interface RenderedChart {
  readonly chart: Chart;
  /** The chart's file and folder name (`Names.toDnsLabel(chart)`). */
  readonly name: string;
  readonly objects: readonly ApiObject[];
  readonly manifests: any[];
}

/** How the output is divided into files (the cdk8s App props of the same names). */
export interface OutputLayout {
  readonly yamlOutputType: YamlOutputType;
  readonly outputFileExtension: string;
  /** Write `construct-metadata.json` (cdk8s's `recordConstructMetadata`). */
  readonly constructMetadata: boolean;
}

/** The names of the output types, for messages. */
export const YAML_OUTPUT_TYPES: { readonly [type: number]: string } = {
  [YamlOutputType.FILE_PER_APP]: 'FILE_PER_APP',
  [YamlOutputType.FILE_PER_CHART]: 'FILE_PER_CHART',
  [YamlOutputType.FILE_PER_RESOURCE]: 'FILE_PER_RESOURCE',
  [YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]: 'FOLDER_PER_CHART_FILE_PER_RESOURCE',
};

/** The output files (path in the output folder → content), refusing two outputs with one name. */
export class OutputFiles {
  private readonly files = new Map<string, { readonly content: string; readonly origin: string }>();

  constructor(private readonly layout: OutputLayout) {}

  /** Adds a file; `origin` says what it holds, for the message when another output has the same name. */
  public add(file: string, content: string, origin: string): void {
    const other = this.files.get(file);
    if (other) {
      throw new Error(`Two outputs would be written to the same file "${file}": ${other.origin} and ${origin}; nothing was written. `
        + `With yamlOutputType ${YAML_OUTPUT_TYPES[this.layout.yamlOutputType]} and outputFileExtension "${this.layout.outputFileExtension}", `
        + `${NAMING[this.layout.yamlOutputType]}. Fix: ${FIX[this.layout.yamlOutputType]}`);
    }
    this.files.set(file, { content, origin });
  }

  /** File → content, in the order added. */
  public toObject(): { [file: string]: string } {
    return Object.fromEntries([...this.files].map(([f, v]) => [f, v.content]));
  }
}

const NAMING: { readonly [type: number]: string } = {
  [YamlOutputType.FILE_PER_APP]: 'every object is in app<extension>, and each rollout plan in <chart>.plan.md',
  [YamlOutputType.FILE_PER_CHART]: 'each chart is written to <chart name><extension> (its id, or a name made from its path), and its plan to <chart name>.plan.md',
  [YamlOutputType.FILE_PER_RESOURCE]: 'each object is written to <kind>.<metadata.name><extension> (other characters than letters, digits, \'-\', \'_\' and \'.\' left out), whatever its chart or namespace',
  [YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]: 'each object is written to <chart name>/<kind>.<metadata.name><extension>, whatever its namespace',
};

const FIX: { readonly [type: number]: string } = {
  [YamlOutputType.FILE_PER_APP]: 'give the charts distinct ids, or choose another outputFileExtension.',
  [YamlOutputType.FILE_PER_CHART]: 'give the charts distinct ids, or choose another outputFileExtension.',
  [YamlOutputType.FILE_PER_RESOURCE]: 'give the objects distinct names, or use YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE (one folder per chart) or FILE_PER_CHART.',
  [YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE]: 'give the objects of the chart distinct names, or use YamlOutputType.FILE_PER_CHART.',
};

/** Throws, naming the prop, unless the layout can be written: a known output type, an extension without '/'. */
export function checkLayout(layout: OutputLayout): void {
  if (YAML_OUTPUT_TYPES[layout.yamlOutputType] === undefined) throw unknownOutputType(layout.yamlOutputType);
  const ext = layout.outputFileExtension;
  if (/[/\\\0\r\n]/.test(ext)) {
    throw new Error(`'outputFileExtension' (${JSON.stringify(ext)}) must be a file name suffix without '/', '\\', a NUL or a line break, `
      + 'for example ".k8s.yaml": every output file is named <name><extension>, inside the output folder or its chart folder');
  }
}

function unknownOutputType(type: unknown): Error {
  return new Error(`'yamlOutputType' (${JSON.stringify(type)}) is not a YamlOutputType of cdk8s: use one of `
    + `${Object.values(YAML_OUTPUT_TYPES).map(n => `YamlOutputType.${n}`).join(', ')}`);
}

/** Adds the manifests of `charts` (in chart order) to `out`, divided as the layout says. */
export function addManifests(out: OutputFiles, charts: readonly RenderedChart[], layout: OutputLayout): void {
  const ext = layout.outputFileExtension;
  switch (layout.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP:
      if (charts.length > 0) out.add(`app${ext}`, Yaml.stringify(...charts.flatMap(c => c.manifests)), 'the objects of every chart');
      break;
    case YamlOutputType.FILE_PER_CHART:
      for (const c of charts) out.add(`${c.name}${ext}`, Yaml.stringify(...c.manifests), `the objects of chart "${c.chart.node.path}"`);
      break;
    case YamlOutputType.FILE_PER_RESOURCE:
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      for (const c of charts) {
        const folder = layout.yamlOutputType === YamlOutputType.FILE_PER_RESOURCE ? '' : `${c.name}/`;
        c.manifests.forEach((m, i) => out.add(`${folder}${resourceFileName(m)}${ext}`, Yaml.stringify(m), `${m.kind} ${m.metadata?.name} at "${c.objects[i].node.path}"`));
      }
      break;
    default:
      throw unknownOutputType(layout.yamlOutputType); // checkLayout refuses it first
  }
  if (layout.constructMetadata) out.add('construct-metadata.json', constructMetadata(charts), 'the construct metadata (recordConstructMetadata)');
}

/** `<kind>.<name>` as cdk8s names a resource's file. */
function resourceFileName(manifest: any): string {
  return `${manifest.kind}.${manifest.metadata?.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}

/** `construct-metadata.json` as cdk8s writes it: the construct path of every object, by object name. */
function constructMetadata(charts: readonly RenderedChart[]): string {
  const resources: { [name: string]: { path: string } } = {};
  for (const c of charts) {
    for (const o of c.objects) resources[o.name] = { path: o.node.path };
  }
  return JSON.stringify({ version: '1.0.0', resources });
}
