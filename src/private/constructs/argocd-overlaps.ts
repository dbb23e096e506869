// Which Argo CD Applications of an app could deploy the same chart or object to the same cluster. Checking each
// Application against every other one is O(N²) (22 s for 1,000 Applications); the index lists, per cluster, who
// deploys each chart and each object key, so each Application is compared with the few that share one.
// Not exported from the package.
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** What the index needs to know of one Application. */
export interface OverlapEntry {
  /** The Application (a construct). */
  readonly app: IConstruct;
  /** The target cluster, as written. */
  readonly cluster: string;
  readonly charts: readonly Chart[];
  /** Each object it deploys, by `<group>/<kind> <namespace>/<name>`. */
  readonly keys: ReadonlyMap<string, IConstruct>;
}

/** An Application in the index, with its place in construct-tree order. */
export interface IndexedEntry extends OverlapEntry {
  readonly order: number;
}

/** The Applications of an app, by cluster, with who deploys each chart and each object key. */
export class ArgoCdOverlapIndex {
  private readonly entries = new Map<IConstruct, IndexedEntry>();
  private readonly byChart = new Map<string, Map<Chart, IConstruct[]>>();
  private readonly byKey = new Map<string, Map<string, IConstruct[]>>();

  /** @param entries the Applications of the app, in construct-tree order */
  constructor(entries: OverlapEntry[]) {
    entries.forEach((e, order) => {
      this.entries.set(e.app, { ...e, order });
      for (const chart of e.charts) append(this.byChart, e.cluster, chart, e.app);
      for (const key of e.keys.keys()) append(this.byKey, e.cluster, key, e.app);
    });
  }

  /** What the index knows of an Application of the app. */
  public entry(app: IConstruct): IndexedEntry {
    const e = this.entries.get(app);
    if (!e) throw new Error(`${app.node.path} is not an Argo CD Application of this app`);
    return e;
  }

  /** The other Applications on the same cluster that share a chart or an object key with `app`, in construct-tree order. */
  public candidates(app: IConstruct): IndexedEntry[] {
    const e = this.entry(app);
    const found = new Set<IConstruct>([
      ...e.charts.flatMap(c => this.byChart.get(e.cluster)?.get(c) ?? []),
      ...[...e.keys.keys()].flatMap(k => this.byKey.get(e.cluster)?.get(k) ?? []),
    ]);
    found.delete(app);
    return [...found].map(a => this.entries.get(a)!).sort((a, b) => a.order - b.order);
  }
}

/** Appends `app` to the list of `key` in the map of `cluster`. */
function append<K>(index: Map<string, Map<K, IConstruct[]>>, cluster: string, key: K, app: IConstruct): void {
  let byKey = index.get(cluster);
  if (!byKey) {
    byKey = new Map();
    index.set(cluster, byKey);
  }
  const list = byKey.get(key);
  if (list) list.push(app);
  else byKey.set(key, [app]);
}
