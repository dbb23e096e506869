// Checks that the strict schemas the tests derive from imports/ (test/support/binding-schemas.ts) know exactly
// the fields of the pinned CRDs: for every kind, the same field paths, the same open (preserve-unknown-fields)
// places, the same required fields, enums and scalar types. Run by `npx projen import` after it regenerates
// imports/, because that is the only task that has the CRDs (CRD_DIR).
//
// Usage: CRD_DIR=<folder> node scripts/run-ts.js scripts/check-binding-schemas.ts
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { deriveBindingSchemas, JsonSchema } from '../test/support/binding-schemas';

const ROOT = path.join(__dirname, '..');
const PINNED_CRDS: { file: string; version: string }[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'pinned-crds.json'), 'utf-8')).crds;

/**
 * Differences that come from `cdk8s import` itself, each with its reason. The check fails on any other.
 */
const KNOWN_DIFFERENCES: { [line: string]: string } = {
  // The CRD has both `mirror_percent` and `mirrorPercent` (both deprecated by `mirrorPercentage`); cdk8s import names
  // both properties `mirrorPercent` and keeps the first, so the strict check rejects `mirrorPercent`. The library
  // writes `mirrorPercentage`.
  'networking.istio.io/v1/VirtualService: only in the CRD: spec.http[].mirrorPercent: number': 'cdk8s import name collision',
};

/** One line per schema node: `path: description`, sorted. `root` resolves the bindings' $refs. */
function shape(schema: JsonSchema, at: string, root: JsonSchema, out: string[]): void {
  if (schema.$ref) return shape(root.definitions[schema.$ref.replace('#/definitions/', '')], at, root, out);
  if (schema['x-kubernetes-int-or-string'] || (Array.isArray(schema.type) && schema.type.join() === 'integer,string')) {
    out.push(`${at}: int-or-string`);
    return;
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true
    || Object.keys(schema).filter(k => k !== 'description' && k !== 'type').length === 0 && (schema.type === undefined || schema.type === 'object');
  if (schema.properties && !open) {
    out.push(`${at}: object required=[${[...schema.required ?? []].sort().join(',')}]`);
    for (const [k, v] of Object.entries<JsonSchema>(schema.properties)) shape(v, `${at}.${k}`, root, out);
    return;
  }
  if (open) {
    out.push(`${at}: open`);
    return;
  }
  if (schema.type === 'array') return shape(schema.items, `${at}[]`, root, out);
  if (typeof schema.additionalProperties === 'object') return shape(schema.additionalProperties, `${at}{}`, root, out);
  if (schema.enum) {
    out.push(`${at}: enum ${[...schema.enum].sort().join('|')}`);
    return;
  }
  // the bindings have one `number` for integer and number
  out.push(`${at}: ${schema.type === 'integer' ? 'number' : schema.type}`);
}

function crdShapes(crdDir: string): Map<string, string[]> {
  const shapes = new Map<string, string[]>();
  for (const { file, version } of PINNED_CRDS) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(crdDir, file), 'utf-8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const v = crd.spec.versions.find((x: any) => x.name === version);
      const schema = v.schema.openAPIV3Schema;
      const out: string[] = [];
      // status is written by controllers; `cdk8s import` leaves it out of the bindings, and so does the check
      for (const [k, sub] of Object.entries<JsonSchema>(schema.properties)) {
        if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) shape(sub, k, schema, out);
      }
      shapes.set(`${crd.spec.group}/${version}/${crd.spec.names.kind}`, out.sort());
    }
  }
  return shapes;
}

function bindingShapes(): Map<string, string[]> {
  const dir = path.join(ROOT, 'imports');
  const sources = Object.fromEntries(fs.readdirSync(dir).filter(f => f.endsWith('.ts')).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
  const shapes = new Map<string, string[]>();
  for (const [gvk, schema] of Object.entries(deriveBindingSchemas(sources))) {
    const out: string[] = [];
    for (const [k, sub] of Object.entries<JsonSchema>(schema.properties)) {
      if (!['apiVersion', 'kind', 'metadata'].includes(k)) shape(sub, k, schema, out);
    }
    shapes.set(gvk, out.sort());
  }
  return shapes;
}

function main(): void {
  const crdDir = process.env.CRD_DIR;
  if (!crdDir) throw new Error('set CRD_DIR to the folder that holds the pinned CRDs (scripts/pinned-crds.json)');
  const fromCrds = crdShapes(crdDir);
  const fromBindings = bindingShapes();
  let differences = 0;
  for (const gvk of [...new Set([...fromCrds.keys(), ...fromBindings.keys()])].sort()) {
    const a = new Set(fromCrds.get(gvk) ?? []);
    const b = new Set(fromBindings.get(gvk) ?? []);
    const found = [
      ...[...a].filter(x => !b.has(x)).map(x => `${gvk}: only in the CRD: ${x}`),
      ...[...b].filter(x => !a.has(x)).map(x => `${gvk}: only in the bindings: ${x}`),
    ];
    const unexplained = found.filter(x => !(x in KNOWN_DIFFERENCES));
    differences += unexplained.length;
    for (const x of unexplained) console.error(x);
    console.log(`${gvk}: ${a.size} schema nodes in the CRD, ${b.size} derived from the bindings, ${found.length} differences (${found.length - unexplained.length} known)`);
  }
  if (differences > 0) {
    console.error(`error: the strict schemas derived from imports/ differ from the pinned CRDs in ${differences} places; fix test/support/binding-schemas.ts`);
    process.exit(1);
  }
}

main();
