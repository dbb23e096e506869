// What survives a sync for the Deployment a Rollout migrates from (docs/migration.md "What survives a sync"): the
// Argo CD sync model of this folder, run on the Deployment and the Application that the library writes at the two
// steps of the migration example, after the Argo Rollouts controller drained the Deployment to 0 (an Update of
// spec.replicas, argo-rollouts rollout/scale_utils.go).
//
// The model is written for custom resources, whose lists are atomic. A Deployment is a built-in kind (strategic merge
// patch with Go struct merge keys for its lists), but `spec.replicas` is a scalar inside maps, which a strategic and a
// JSON merge patch treat alike (a field of the applied object that differs from live is set), so what happens to the
// replicas is modelled exactly; list fields of the pod template are not what these tests look at.
import { App, Chart, Testing } from 'cdk8s';
import { MigrationStep, WebChart } from '../../../examples/migration/web';
import { ArgoCdApplication } from '../../../src/argocd-application';
import { IgnoreEntry } from '../../../src/private/argocd/ignore-entry';
import { recordWrite } from '../../../src/private/argocd/managed-fields';
import { applyObject, argoCdVersion, ClusterObject, syncObjects, SyncSettings, syncSettings } from '../../../src/private/argocd/sync';

const VERSIONS = ['3.3.12', '3.5.1'];

/** The Deployment and the Application of the migration example at `step`. */
function example(step: MigrationStep): { deployment: any; application: any } {
  const app = new App();
  const web = new WebChart(app, 'web', step);
  const argocd = new Chart(app, 'argocd');
  new ArgoCdApplication(argocd, 'web', {
    name: 'web', sourceRepoUrl: 'https://git.example.com/acme/gitops.git', sourcePath: 'apps/web', destinationServer: 'https://kubernetes.default.svc', charts: [web],
  });
  return { deployment: Testing.synth(web).find(m => m.kind === 'Deployment'), application: Testing.synth(argocd)[0] };
}

/** The same Deployment after a release: another image (a change of its pod template). */
function released(deployment: any): any {
  const out = JSON.parse(JSON.stringify(deployment));
  out.spec.template.spec.containers[0].image = 'ghcr.io/acme/web:3.3.0';
  return out;
}

/** Argo CD created the Deployment from `git`, then the controller drained it to 0. */
function drainedCluster(git: any, settings: SyncSettings): ClusterObject {
  const created = applyObject(undefined, git, settings);
  const live = JSON.parse(JSON.stringify(created.live));
  live.spec.replicas = 0;
  return { ...created, live, owners: recordWrite(created.owners, created.live, live, 'rollouts-controller') };
}

/** One sync of the Deployment from `git`; the replicas it leaves, and whether it was OutOfSync and applied. */
function sync(obj: ClusterObject, git: any, settings: SyncSettings, version: string) {
  const { cluster, objects } = syncObjects(new Map([['d', obj]]), new Map([['d', git]]), settings, argoCdVersion(version));
  return { replicas: cluster.get('d')!.live.spec.replicas, outOfSync: objects[0].before.modified, applied: objects[0].applied, obj: cluster.get('d')! };
}

const settings = (s: Partial<SyncSettings>): SyncSettings => ({
  ignoreDifferences: [], respectIgnoreDifferences: false, applyOutOfSyncOnly: false, serverSideApply: false, ...s,
});

describe.each(VERSIONS)('Argo CD %s', (version) => {
  const migrating = example('migrating');
  const ignore: IgnoreEntry[] = migrating.application.spec.ignoreDifferences.filter((e: any) => e.kind === 'Deployment');

  test('the Application of step 1 ignores the Deployment\'s replicas and sets ApplyOutOfSyncOnly', () => {
    expect(ignore).toEqual([{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'web', jsonPointers: ['/spec/replicas'] }]);
    expect(syncSettings(migrating.application).applyOutOfSyncOnly).toBe(true);
  });

  test.each([false, true])('step 1 (server-side apply: %s): the drain survives syncs that do not change the Deployment, but not a release without RespectIgnoreDifferences', (ssa) => {
    const s = settings({ ignoreDifferences: ignore, applyOutOfSyncOnly: true, serverSideApply: ssa });
    const cluster = drainedCluster(migrating.deployment, s);
    // a sync that does not change the Deployment (another object changed, a manual sync, self-heal)
    expect(sync(cluster, migrating.deployment, s, version)).toMatchObject({ outOfSync: false, applied: false, replicas: 0 });
    // a release: the Deployment is OutOfSync, applied, and git's replicas come back
    expect(sync(cluster, released(migrating.deployment), s, version)).toMatchObject({ outOfSync: true, applied: true, replicas: 4 });
    // with RespectIgnoreDifferences the live replicas are applied instead
    const respect = { ...s, respectIgnoreDifferences: true };
    expect(sync(drainedCluster(migrating.deployment, respect), released(migrating.deployment), respect, version))
      .toMatchObject({ applied: true, replicas: 0 });
  });

  test('the ignore entry alone does not keep the drain: without ApplyOutOfSyncOnly every sync applies git\'s replicas', () => {
    const s = settings({ ignoreDifferences: ignore });
    expect(sync(drainedCluster(migrating.deployment, s), migrating.deployment, s, version))
      .toMatchObject({ outOfSync: false, applied: true, replicas: 4 });
  });

  test('without the ignore entry the drained Deployment is OutOfSync, and a sync (self-heal) scales it up', () => {
    const s = settings({ applyOutOfSyncOnly: true });
    expect(sync(drainedCluster(migrating.deployment, s), migrating.deployment, s, version)).toMatchObject({ outOfSync: true, replicas: 4 });
  });

  test('step 2 (drained: replicas 0 in git, no ignore entry): Synced after the drain, and a release keeps 0', () => {
    const drained = example('drained');
    const s = syncSettings(drained.application);
    expect(s.ignoreDifferences.filter(e => e.kind === 'Deployment')).toEqual([]);
    // step 1 was applied and drained; the commit of step 2 changes only the replicas, to what the cluster has
    const afterStep1 = drainedCluster(migrating.deployment, settings({ ignoreDifferences: ignore, applyOutOfSyncOnly: true }));
    const step2 = sync(afterStep1, drained.deployment, s, version);
    expect(step2).toMatchObject({ outOfSync: false, replicas: 0 });
    expect(sync(step2.obj, released(drained.deployment), s, version)).toMatchObject({ outOfSync: true, applied: true, replicas: 0 });
  });

  test('step 2: someone scales the Deployment up; Argo CD reports it and a sync writes 0 back', () => {
    const drained = example('drained');
    const s = syncSettings(drained.application);
    const applied = applyObject(undefined, drained.deployment, s);
    const live = JSON.parse(JSON.stringify(applied.live));
    live.spec.replicas = 3;
    const scaled = { ...applied, live, owners: recordWrite(applied.owners, applied.live, live, 'kubectl') };
    expect(sync(scaled, drained.deployment, s, version)).toMatchObject({ outOfSync: true, applied: true, replicas: 0 });
  });

  test('replicas left out of git: kept while the Deployment is not applied; the next apply removes the field (the API server then sets 1)', () => {
    const s = settings({ ignoreDifferences: ignore, applyOutOfSyncOnly: true });
    const cluster = drainedCluster(migrating.deployment, s);
    const withoutReplicas = JSON.parse(JSON.stringify(migrating.deployment));
    delete withoutReplicas.spec.replicas;
    expect(sync(cluster, withoutReplicas, s, version)).toMatchObject({ outOfSync: false, applied: false, replicas: 0 });
    const r = sync(cluster, released(withoutReplicas), s, version);
    expect(r).toMatchObject({ applied: true });
    expect('replicas' in r.obj.live.spec).toBe(false); // the model has no API server defaulting
  });
});
