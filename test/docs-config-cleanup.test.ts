// The cleanup command of docs/config-changes.md, run with jq on what `kubectl get ... -o json` returns: it lists
// only the content-hashed ConfigMaps that no ReplicaSet, Deployment or Rollout of the namespace references.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'config-changes.md'), 'utf-8');

/** The jq program of the cleanup block (between `jq -r '` and the closing quote). */
function cleanupFilter(): string {
  const block = page.split('<!-- cleanup -->')[1].split('<!-- /cleanup -->')[0];
  const m = /jq -r '([^']*)'/.exec(block);
  if (!m) throw new Error('no jq program in the cleanup block of docs/config-changes.md');
  return m[1];
}

const cm = (name: string, versioned = true) => ({
  kind: 'ConfigMap', metadata: { name, labels: versioned ? { 'cdk8s-canary/config': 'shop-settings' } : {} },
});
const pods = (kind: string, name: string, spec: any) => ({ kind, metadata: { name }, spec: { template: { spec } } });

test('lists the content-hashed ConfigMaps that nothing references, and nothing else', () => {
  const list = {
    kind: 'List',
    items: [
      cm('shop-settings-aaaaaaaaaa'), // read through a volume by the stable ReplicaSet
      cm('shop-settings-bbbbbbbbbb'), // read through envFrom by the canary ReplicaSet
      cm('shop-settings-cccccccccc'), // read through a projected volume by a ReplicaSet kept for rollback (0 replicas)
      cm('shop-settings-dddddddddd'), // read through env by the Deployment a Rollout migrates from
      cm('shop-settings-eeeeeeeeee'), // read by no one: to delete
      cm('shop-settings-ffffffffff'), // read by no one: to delete
      cm('flags', false), // not content-hashed: never touched
      pods('ReplicaSet', 'shop-1', { volumes: [{ name: 'v', configMap: { name: 'shop-settings-aaaaaaaaaa' } }] }),
      pods('ReplicaSet', 'shop-2', { containers: [{ name: 'main', envFrom: [{ configMapRef: { name: 'shop-settings-bbbbbbbbbb' } }] }] }),
      { ...pods('ReplicaSet', 'shop-0', { volumes: [{ name: 'p', projected: { sources: [{ configMap: { name: 'shop-settings-cccccccccc' } }] } }] }), status: { replicas: 0 } },
      pods('Deployment', 'web', { containers: [{ name: 'main', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'shop-settings-dddddddddd', key: 'X' } } }] }] }),
      { kind: 'Rollout', metadata: { name: 'web' }, spec: { workloadRef: { kind: 'Deployment', name: 'web' } } },
    ],
  };
  const out = execFileSync('jq', ['-r', cleanupFilter()], { input: JSON.stringify(list) }).toString();
  expect(out.trim().split('\n')).toEqual(['shop-settings-eeeeeeeeee', 'shop-settings-ffffffffff']);
});

test('lists nothing when every version is referenced, or when there are none', () => {
  const list = { kind: 'List', items: [cm('shop-settings-aaaaaaaaaa'), pods('ReplicaSet', 'a', { volumes: [{ configMap: { name: 'shop-settings-aaaaaaaaaa' } }] })] };
  expect(execFileSync('jq', ['-r', cleanupFilter()], { input: JSON.stringify(list) }).toString()).toEqual('');
  expect(execFileSync('jq', ['-r', cleanupFilter()], { input: JSON.stringify({ kind: 'List', items: [] }) }).toString()).toEqual('');
});
