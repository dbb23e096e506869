#!/usr/bin/env node
// Regenerates imports/ from the pinned upstream CRDs with `cdk8s import` (offline): `npx projen import`.
//
// The CRDs are not part of the repository. scripts/pinned-crds.json lists each one (upstream URL, tag, commit and
// the sha256 of the file this script reads); CRD_DIR names the folder that holds them under their `file` paths.
// The import fails, before it changes anything, when CRD_DIR is not set, a file is missing or its sha256 differs.
//
// One TypeScript module per API group. CRDs that serve several versions with identical schemas (Istio: v1,
// v1beta1, v1alpha3) are reduced to the version the library emits, so that the generated module holds one class
// per kind and the bare class name binds to that version.
//
// Usage: CRD_DIR=<folder> node scripts/import-crds.js
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const PINNED = JSON.parse(fs.readFileSync(path.join(__dirname, 'pinned-crds.json'), 'utf-8')).crds;

/** The text of every pinned CRD, checked against its recorded sha256; exits with a message naming what to fetch. */
function readPinnedCrds(crdDir) {
  const problems = [];
  const texts = new Map();
  for (const crd of PINNED) {
    const full = path.join(crdDir, crd.file);
    if (!fs.existsSync(full)) {
      problems.push(`missing: ${full}\n    get it from ${crd.url}${crd.document ? ` (the document of ${crd.document})` : ''}`);
      continue;
    }
    const bytes = fs.readFileSync(full);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== crd.sha256) {
      problems.push(`sha256 differs: ${full}\n    is ${sha256}, pinned ${crd.sha256} (${crd.repository} ${crd.tag})`);
      continue;
    }
    texts.set(crd.file, bytes.toString('utf-8'));
  }
  if (problems.length > 0) {
    console.error(`error: the pinned CRDs in CRD_DIR=${crdDir} do not match scripts/pinned-crds.json; imports/ was not changed:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  return texts;
}

function main() {
  const crdDir = process.env.CRD_DIR;
  if (!crdDir) {
    console.error('error: set CRD_DIR to the folder that holds the pinned CRDs (scripts/pinned-crds.json lists them with their upstream URLs, tags and sha256).\n'
      + '  Only `npx projen import` needs them; the build and the tests do not.');
    process.exit(1);
  }
  const texts = readPinnedCrds(crdDir);
  const groups = new Map();
  for (const crd of PINNED) {
    for (const doc of YAML.parseAllDocuments(texts.get(crd.file))) {
      const parsed = doc.toJS();
      if (!parsed || parsed.kind !== 'CustomResourceDefinition') continue;
      const kept = parsed.spec.versions.filter((v) => v.name === crd.version);
      if (kept.length !== 1) throw new Error(`${crd.file}: version ${crd.version} not found`);
      parsed.spec.versions = kept;
      groups.set(crd.module, [...groups.get(crd.module) ?? [], YAML.stringify(parsed)]);
    }
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-canary-crds-'));
  try {
    fs.rmSync('imports', { recursive: true, force: true });
    fs.mkdirSync('imports');
    for (const [module, docs] of groups) {
      const combined = path.join(tmp, `${module}.yaml`);
      fs.writeFileSync(combined, docs.join('---\n'));
      execFileSync('npx', ['cdk8s', 'import', combined, '--language', 'typescript', '--output', 'imports', '--no-check-upgrade', '--no-save'], { stdio: 'inherit' });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
