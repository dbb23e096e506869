// The schema validators of the tests, compiled once and kept on disk (node_modules/.cache/) under a key made of
// everything they are made from. jest's globalSetup (test/support/global-setup.ts) builds them before the suites
// start; every suite then loads the compiled JavaScript instead of compiling the schemas again (which took 3.8-5 s
// per suite). When the cache is missing (a suite started without the global setup), the first suite builds it.
//
// Two sets of validators (ajv "standalone" modules, one per kind):
//  - strict/<group>_<version>_<kind>.js: the strict schemas derived from the generated bindings in imports/
//    (binding-schemas.ts): unknown fields are errors.
//  - models/<schema id>.js: the upstream JSON schemas shipped by @kubernetes-models/argo-rollouts and
//    @kubernetes-models/istio, compiled with the same ajv options and formats as their own validate(). (Those
//    two packages compile their schemas at run time; @kubernetes-models/argo-cd and kubernetes-models ship
//    precompiled validators and are used as they are.)
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import { deriveBindingSchemas } from './binding-schemas';

const ROOT = path.join(__dirname, '..', '..');
const IMPORTS = path.join(ROOT, 'imports');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk8s-canary-schemas');

/** The @kubernetes-models classes whose schemas are compiled here: module -> schema id. */
export const MODEL_SCHEMAS: { readonly [module: string]: string } = {
  '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout': 'argoproj.io.v1alpha1.Rollout',
  '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate': 'argoproj.io.v1alpha1.AnalysisTemplate',
  '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/ClusterAnalysisTemplate': 'argoproj.io.v1alpha1.ClusterAnalysisTemplate',
  '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService': 'networking.istio.io.v1beta1.VirtualService',
  '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule': 'networking.istio.io.v1beta1.DestinationRule',
  '@kubernetes-models/istio/networking.istio.io/v1beta1/Gateway': 'networking.istio.io.v1beta1.Gateway',
  '@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication': 'security.istio.io.v1beta1.PeerAuthentication',
  '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy': 'security.istio.io.v1.AuthorizationPolicy',
};

/** The packages whose versions are part of the key. */
const KEY_PACKAGES = ['ajv', 'ajv-formats', 'typescript', '@kubernetes-models/argo-rollouts', '@kubernetes-models/istio'];

/** File name of a compiled validator. */
export function validatorFile(id: string): string {
  return `${id.replace(/[^A-Za-z0-9.-]/g, '_')}.js`;
}

/** The cache folder for the current inputs, built when missing. */
export function schemaCacheDir(): string {
  const dir = path.join(CACHE, cacheKey());
  if (!fs.existsSync(path.join(dir, 'index.json'))) build(dir);
  return dir;
}

function cacheKey(): string {
  const hash = crypto.createHash('sha256');
  for (const file of [__filename.replace(/\.js$/, '.ts'), path.join(__dirname, 'binding-schemas.ts')]) {
    hash.update(file).update(fs.existsSync(file) ? fs.readFileSync(file) : 'absent');
  }
  for (const file of bindingFiles()) hash.update(file).update(fs.readFileSync(path.join(IMPORTS, file)));
  for (const pkg of KEY_PACKAGES) {
    hash.update(pkg).update(JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }), 'utf-8')).version);
  }
  return hash.digest('hex').slice(0, 16);
}

function bindingFiles(): string[] {
  return fs.readdirSync(IMPORTS).filter(f => f.endsWith('.ts')).sort();
}

function build(dir: string): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(path.join(tmp, 'strict'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'models'), { recursive: true });
  const index = { strict: buildStrict(path.join(tmp, 'strict')), models: buildModels(path.join(tmp, 'models')) };
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify(index, undefined, 2));
  try {
    fs.renameSync(tmp, dir);
  } catch (e) {
    // another process built the same key first: use its copy
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'index.json'))) throw e;
  }
  pruneOtherKeys(dir);
}

/** Strict schemas from the bindings; returns `apiVersion/kind` -> file. */
function buildStrict(out: string): { [gvk: string]: string } {
  const sources = Object.fromEntries(bindingFiles().map(f => [f, fs.readFileSync(path.join(IMPORTS, f), 'utf-8')]));
  const files: { [gvk: string]: string } = {};
  for (const [gvk, schema] of Object.entries(deriveBindingSchemas(sources))) {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, code: { source: true } });
    files[gvk] = validatorFile(gvk);
    fs.writeFileSync(path.join(out, files[gvk]), standaloneCode(ajv, ajv.compile(schema)));
  }
  return files;
}

/** The @kubernetes-models schemas; returns schema id -> file. */
function buildModels(out: string): { [id: string]: string } {
  // ajv options and formats of @kubernetes-models/validate 3.x, which these two packages use
  const ajv = new Ajv({ strictTypes: false, allErrors: true, verbose: true, code: { source: true } });
  addFormats(ajv);
  for (const [id, schema] of Object.entries(captureModelSchemas())) ajv.addSchema(schema, id);
  const files: { [id: string]: string } = {};
  for (const id of Object.values(MODEL_SCHEMAS)) {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`@kubernetes-models registered no schema ${id}`);
    files[id] = validatorFile(id);
    fs.writeFileSync(path.join(out, files[id]), standaloneCode(ajv, validate));
  }
  return files;
}

/**
 * The schemas the model classes register with @kubernetes-models/validate, read in a separate node process
 * (it replaces the packages' `register` to record them, which must not leak into the tests).
 */
function captureModelSchemas(): { [id: string]: object } {
  const script = `
    const Module = require('module');
    const captured = {};
    const load = Module._load;
    Module._load = function (request) {
      const m = load.apply(this, arguments);
      return request === '@kubernetes-models/validate' ? { ...m, register: (id, schema) => { captured[id] = schema; } } : m;
    };
    for (const mod of JSON.parse(process.argv[1])) {
      const cls = Object.values(require(mod)).find(x => typeof x === 'function');
      try { new cls({}).validate(); } catch (e) { /* the recorded schemas are not compiled: expected */ }
    }
    process.stdout.write(JSON.stringify(captured));`;
  const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(Object.keys(MODEL_SCHEMAS))], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(out.toString('utf-8'));
}

/** Removes the folders of other keys (older inputs), leaving ones written in the last hour (a concurrent run). */
function pruneOtherKeys(keep: string): void {
  const hourAgo = Date.now() - 3600_000;
  for (const entry of fs.readdirSync(CACHE)) {
    const p = path.join(CACHE, entry);
    if (p !== keep && fs.statSync(p).mtimeMs < hourAgo) fs.rmSync(p, { recursive: true, force: true });
  }
}
