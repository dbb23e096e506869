// The test vectors of the Argo CD sync note (RespectIgnoreDifferences on Istio's lists), for both version
// families and for a plain client-side apply without RespectIgnoreDifferences, plus the version table.
import { IgnoreEntry } from '../../../src/private/argocd/ignore-entry';
import {
  applyObject, argoCdVersion, ArgoCdVersion, ClusterObject, diffObject, objectToApply, removeMapFields, RespectAlgorithm, syncObjects, SyncSettings,
} from '../../../src/private/argocd/sync';

const OLD = argoCdVersion('3.3.12');
const NEW = argoCdVersion('3.5.1');
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const HASH = 'rollouts-pod-template-hash';

const VS_RULES: IgnoreEntry[] = [{
  group: 'networking.istio.io',
  kind: 'VirtualService',
  name: 'shop',
  jqPathExpressions: ['.spec.http[].route[].weight', '.spec.http[] | select(.name == "hdr")'],
}];
const VS_RULES_OPTIONAL: IgnoreEntry[] = [{
  group: 'networking.istio.io',
  kind: 'VirtualService',
  name: 'shop',
  jqPathExpressions: ['.spec.http[]?.route[]?.weight', '.spec.http[]? | select(.name == "hdr")'],
}];
const DR_RULES: IgnoreEntry[] = [{
  group: 'networking.istio.io',
  kind: 'DestinationRule',
  name: 'shop',
  jqPathExpressions: [`.spec.subsets[].labels["${HASH}"]`],
  jsonPointers: ['/metadata/annotations/argo-rollouts.argoproj.io~1managed-by-rollouts'],
}];

function settings(entries: IgnoreEntry[], respect: boolean): SyncSettings {
  return { ignoreDifferences: entries, respectIgnoreDifferences: respect, applyOutOfSyncOnly: true, serverSideApply: false };
}

const dest = (subset: string, weight: number) => ({ destination: { host: 'shop', subset }, weight });
const primary = (stable: number, canary: number, extra: any = {}) => ({ name: 'primary', ...extra, route: [dest('stable', stable), dest('canary', canary)] });
const hdr = { name: 'hdr', match: [{ headers: { 'x-canary': { exact: 'yes' } } }], route: [dest('canary', 100)] };
const api = (extra: any = {}) => ({ name: 'api', ...extra, route: [{ destination: { host: 'api' }, weight: 100 }] });
const vs = (http: any[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'shop', namespace: 'shop' }, spec: { hosts: ['shop'], http } });
const subset = (name: string, extra: any = {}, hash?: string) => ({ name, labels: { app: 'shop', ...(hash ? { [HASH]: hash } : {}) }, ...extra });
const dr = (subsets: any[], spec: any = {}, annotated = false) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'shop', namespace: 'shop', ...(annotated ? { annotations: { [MANAGED_BY]: 'shop' } } : {}) },
  spec: { host: 'shop', subsets, ...spec },
});

interface Outcome {
  readonly outOfSyncBefore: boolean;
  readonly live: any;
  readonly outOfSyncAfter: boolean;
}

/** A sync of git1 onto `live`, which was last applied from git0. */
function sync(live: any, git0: any, git1: any, s: SyncSettings, version: ArgoCdVersion): Outcome {
  const obj: ClusterObject = { live, lastApplied: git0, owners: {} };
  const before = diffObject(obj, git1, s).modified;
  const after = applyObject(obj, objectToApply(obj, git1, s, version), s);
  return { outOfSyncBefore: before, live: after.live, outOfSyncAfter: diffObject(after, git1, s).modified };
}

const MODES: Array<[string, boolean, ArgoCdVersion]> = [
  ['Respect, <= 3.3.12 / 3.4.4', true, OLD],
  ['Respect, >= 3.3.13 / 3.4.5 / 3.5.0', true, NEW],
  ['no Respect (client-side apply)', false, NEW],
];

describe('note test vectors', () => {
  describe('A: VirtualService with a header route at 80/20; git adds timeout to primary', () => {
    const git0 = vs([primary(100, 0)]);
    const git1 = vs([primary(100, 0, { timeout: '5s' })]);
    const live = vs([hdr, primary(80, 20)]);

    test.each(MODES.slice(0, 2))('%s: the live list is applied, the timeout is lost, OutOfSync for good', (_, respect, version) => {
      const o = sync(live, git0, git1, settings(VS_RULES, respect), version);
      expect(o.outOfSyncBefore).toBe(true);
      expect(o.live.spec.http).toEqual(live.spec.http);
      expect(o.outOfSyncAfter).toBe(true);
    });

    test('no Respect: git\'s list is applied (timeout; weights 100/0 until the controller resets them; hdr removed)', () => {
      const o = sync(live, git0, git1, settings(VS_RULES, false), NEW);
      expect(o.live.spec.http).toEqual(git1.spec.http);
      expect(o.outOfSyncAfter).toBe(false);
    });
  });

  describe('A\': primary at 90/10; git adds retries to another route, api', () => {
    const git0 = vs([primary(100, 0), api()]);
    const git1 = vs([primary(100, 0), api({ retries: { attempts: 3 } })]);
    const live = vs([primary(90, 10), api()]);

    test.each(MODES.slice(0, 2))('%s: retries lost', (_, respect, version) => {
      const o = sync(live, git0, git1, settings(VS_RULES, respect), version);
      expect(o.live.spec.http[1].retries).toBeUndefined();
      expect(o.outOfSyncAfter).toBe(true);
    });

    test('no Respect: retries applied, the weights flap to git\'s', () => {
      const o = sync(live, git0, git1, settings(VS_RULES, false), NEW);
      expect(o.live.spec.http[1].retries).toEqual({ attempts: 3 });
      expect(o.live.spec.http[0].route.map((d: any) => d.weight)).toEqual([100, 0]);
    });
  });

  describe('A\'\': at rest (100/0); git adds retries to api', () => {
    const git0 = vs([primary(100, 0), api()]);
    const git1 = vs([primary(100, 0), api({ retries: { attempts: 3 } })]);
    const live = vs([primary(100, 0), api()]);

    test.each(MODES.slice(0, 2))('%s: retries lost (live still holds ignored weight keys)', (_, respect, version) => {
      const o = sync(live, git0, git1, settings(VS_RULES, respect), version);
      expect(o.live.spec.http[1].retries).toBeUndefined();
      expect(o.outOfSyncAfter).toBe(true);
    });

    test('no Respect: applied, no flap', () => {
      const o = sync(live, git0, git1, settings(VS_RULES, false), NEW);
      expect(o.live).toEqual(git1);
    });
  });

  describe('B: DestinationRule with hash labels and the annotation; git adds a trafficPolicy to a subset', () => {
    const policy = { trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } } };
    const git0 = dr([subset('stable'), subset('canary')]);
    const git1 = dr([subset('stable', policy), subset('canary')]);
    const live = dr([subset('stable', {}, 'aaa'), subset('canary', {}, 'bbb')], {}, true);

    test('Respect, <= 3.3.12: trafficPolicy lost, OutOfSync for good', () => {
      const o = sync(live, git0, git1, settings(DR_RULES, true), OLD);
      expect(o.live.spec.subsets).toEqual(live.spec.subsets);
      expect(o.outOfSyncAfter).toBe(true);
    });

    test.each([MODES[1], MODES[2]])('%s: trafficPolicy applied, hash labels stripped, annotation kept', (_, respect, version) => {
      const o = sync(live, git0, git1, settings(DR_RULES, respect), version);
      expect(o.live.spec.subsets).toEqual(git1.spec.subsets);
      expect(o.live.metadata.annotations).toEqual({ [MANAGED_BY]: 'shop' });
      expect(o.outOfSyncAfter).toBe(false);
    });
  });

  describe('C: the same DestinationRule; git adds a top-level spec.trafficPolicy only', () => {
    const policy = { loadBalancer: { simple: 'LEAST_REQUEST' } };
    const git0 = dr([subset('stable'), subset('canary')]);
    const git1 = dr([subset('stable'), subset('canary')], { trafficPolicy: policy });
    const live = dr([subset('stable', {}, 'aaa'), subset('canary', {}, 'bbb')], {}, true);

    test('Respect, <= 3.3.12: applied, labels kept', () => {
      const o = sync(live, git0, git1, settings(DR_RULES, true), OLD);
      expect(o.live.spec.trafficPolicy).toEqual(policy);
      expect(o.live.spec.subsets).toEqual(live.spec.subsets);
    });

    test.each([MODES[1], MODES[2]])('%s: applied, but the hash labels are stripped', (_, respect, version) => {
      const o = sync(live, git0, git1, settings(DR_RULES, respect), version);
      expect(o.live.spec.trafficPolicy).toEqual(policy);
      expect(o.live.spec.subsets).toEqual(git1.spec.subsets);
      expect(o.live.metadata.annotations).toEqual({ [MANAGED_BY]: 'shop' });
    });
  });

  describe('D: VirtualService with a redirect route; only the weights differ', () => {
    const redirect = { name: 'old', redirect: { uri: '/new' } };
    const git = vs([redirect, primary(100, 0)]);
    const live = vs([redirect, primary(90, 10)]);

    test.each(MODES)('%s: the [] rule errors, is skipped, and the VirtualService is OutOfSync', (_, respect) => {
      const obj: ClusterObject = { live, lastApplied: git, owners: {} };
      const d = diffObject(obj, git, settings(VS_RULES, respect));
      expect(d.modified).toBe(true);
      expect(d.skipped.map(s => s.reason)).toContain('Cannot iterate over null');
    });

    test('with []? it is Synced', () => {
      const obj: ClusterObject = { live, lastApplied: git, owners: {} };
      expect(diffObject(obj, git, settings(VS_RULES_OPTIONAL, true))).toEqual({ modified: false, skipped: [] });
    });
  });
});

describe('diff', () => {
  test('live-only fields that were never applied are not a difference (RemoveMapFields)', () => {
    const git = dr([subset('stable'), subset('canary')]);
    const live = dr([{ ...subset('stable'), extra: 1 }, subset('canary')]);
    expect(diffObject({ live, lastApplied: git, owners: {} }, git, settings([], false)).modified).toBe(false);
    expect(removeMapFields({ a: [{ b: 1 }] }, { a: [{ b: 1, c: 2 }, { d: 3 }], e: 4 })).toEqual({ a: [{ b: 1 }, { d: 3 }] });
  });

  test('managedFieldsManagers: a manager that owns spec.http hides every edit inside it (argo-rollouts#3854)', () => {
    const entries: IgnoreEntry[] = [{ group: 'networking.istio.io', kind: 'VirtualService', managedFieldsManagers: ['rollouts-controller'] }];
    const git0 = vs([primary(100, 0)]);
    const git1 = vs([primary(100, 0, { timeout: '5s' })]);
    const obj: ClusterObject = { live: git0, lastApplied: git0, owners: { '/spec/http': 'rollouts-controller' } };
    expect(diffObject(obj, git1, settings(entries, false)).modified).toBe(false);
    expect(diffObject({ ...obj, owners: { '/spec/http': 'argocd-controller' } }, git1, settings(entries, false)).modified).toBe(true);
  });

  test('ApplyOutOfSyncOnly applies only objects that are OutOfSync or missing', () => {
    const git = vs([primary(100, 0)]);
    const cluster = new Map<string, ClusterObject>([['k', { live: git, lastApplied: git, owners: {} }]]);
    const r = syncObjects(cluster, new Map([['k', git], ['new', git]]), settings([], false), NEW);
    expect(r.objects.map(o => [o.key, o.applied])).toEqual([['k', false], ['new', true]]);
  });
});

describe('moving away from RespectIgnoreDifferences', () => {
  test('an earlier Respect sync put the managed-by annotation into last-applied: the next plain apply deletes it', () => {
    // GIVEN: a DestinationRule synced once with RespectIgnoreDifferences (the live annotation was copied into what was applied)
    const wave = { 'argocd.argoproj.io/sync-wave': '-2' }; // git's own annotation, as the library writes it
    const withAnnotations = (o: any, annotations: any) => ({ ...o, metadata: { ...o.metadata, annotations } });
    const git = withAnnotations(dr([subset('stable'), subset('canary')]), wave);
    const live = withAnnotations(dr([subset('stable', {}, 'aaa'), subset('canary', {}, 'bbb')]), { ...wave, [MANAGED_BY]: 'shop' });
    const obj: ClusterObject = { live, lastApplied: git, owners: {} };
    const first = applyObject(obj, objectToApply(obj, git, settings(DR_RULES, true), NEW), settings(DR_RULES, true));
    expect(first.lastApplied.metadata.annotations).toEqual({ ...wave, [MANAGED_BY]: 'shop' });

    // WHEN: the Application drops RespectIgnoreDifferences and git changes the DestinationRule
    const git2 = withAnnotations(dr([subset('stable', { trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }), subset('canary')]), wave);
    const second = applyObject(first, objectToApply(first, git2, settings(DR_RULES, false), NEW), settings(DR_RULES, false));

    // THEN: the client-side apply deletes the annotation (it was applied before, it is not now): the controller no
    // longer re-labels the subsets at once after an apply, until it writes the annotation again
    expect(second.live.metadata.annotations).toEqual(wave);
  });
});

describe('Argo CD versions', () => {
  test.each([
    ['2.9.11', RespectAlgorithm.LIVE_LISTS],
    ['2.10.6', RespectAlgorithm.LIVE_LISTS],
    ['v3.3.12', RespectAlgorithm.LIVE_LISTS],
    ['3.3.13', RespectAlgorithm.RESTORE_NON_IGNORED],
    ['3.4.0', RespectAlgorithm.LIVE_LISTS],
    ['3.4.4', RespectAlgorithm.LIVE_LISTS],
    ['3.4.5', RespectAlgorithm.RESTORE_NON_IGNORED],
    ['3.5.0', RespectAlgorithm.RESTORE_NON_IGNORED],
    ['3.6.0-rc1', RespectAlgorithm.RESTORE_NON_IGNORED],
  ])('%s: %s', (version, algorithm) => {
    expect(argoCdVersion(version).respect).toBe(algorithm);
  });

  test.each(['2.9.10', '2.10.0', '2.10.5', '2.8.4'])('fails if the version predates the live-patch algorithm: %s', (version) => {
    expect(() => argoCdVersion(version)).toThrow(/is not modelled: its RespectIgnoreDifferences is the positional patch of argo-cd#9678 \(use 2\.10\.6 or later\)/);
  });

  test('fails if the version is not a version', () => {
    expect(() => argoCdVersion('latest')).toThrow(/Argo CD version "latest" is not of the form 3\.5\.1/);
  });
});
