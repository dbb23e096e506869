#!/usr/bin/env node
// Regenerates imports/ from the pinned upstream CRDs with `cdk8s import` (offline).
//
// One TypeScript module per API group. CRDs that serve several versions with identical schemas
// (Istio: v1, v1beta1, v1alpha3) are reduced to the version the library emits, so that the generated
// module holds one class per kind and the bare class name binds to that version.
//
// Usage: node scripts/import-crds.js [crd-dir]   (default: $CRD_DIR or ../shared/crds)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const crdDir = process.argv[2] ?? process.env.CRD_DIR ?? path.join('..', 'shared', 'crds');

/** group module -> [file, version to keep] */
const GROUPS = {
  'argoproj.io': [
    ['argo-rollouts/v1.9.1/rollout-crd.yaml', 'v1alpha1'],
    ['argo-rollouts/v1.9.1/analysis-template-crd.yaml', 'v1alpha1'],
    ['argo-rollouts/v1.9.1/cluster-analysis-template-crd.yaml', 'v1alpha1'],
    ['argo-cd/v3.5.1/application-crd.yaml', 'v1alpha1'],
  ],
  'networking.istio.io': [
    ['istio/1.30.3/virtualservices.networking.istio.io.yaml', 'v1'],
    ['istio/1.30.3/destinationrules.networking.istio.io.yaml', 'v1'],
    ['istio/1.30.3/gateways.networking.istio.io.yaml', 'v1'],
  ],
  'security.istio.io': [
    ['istio/1.30.3/peerauthentications.security.istio.io.yaml', 'v1'],
    ['istio/1.30.3/authorizationpolicies.security.istio.io.yaml', 'v1'],
  ],
};

const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdk8s-canary-crds-'));
fs.rmSync('imports', { recursive: true, force: true });
fs.mkdirSync('imports');
for (const [group, files] of Object.entries(GROUPS)) {
  const docs = [];
  for (const [file, version] of files) {
    const full = path.join(crdDir, file);
    if (!fs.existsSync(full)) {
      throw new Error(`CRD file not found: ${full}. Pass the folder that holds the pinned CRDs (see README "Generated bindings").`);
    }
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(full, 'utf-8'))) {
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const kept = crd.spec.versions.filter((v) => v.name === version);
      if (kept.length !== 1) throw new Error(`${file}: version ${version} not found`);
      crd.spec.versions = kept;
      docs.push(YAML.stringify(crd));
    }
  }
  const combined = path.join(tmp, `${group}.yaml`);
  fs.writeFileSync(combined, docs.join('---\n'));
  execFileSync('npx', ['cdk8s', 'import', combined, '--language', 'typescript', '--output', 'imports', '--no-check-upgrade', '--no-save'], { stdio: 'inherit' });
}
fs.rmSync(tmp, { recursive: true, force: true });
