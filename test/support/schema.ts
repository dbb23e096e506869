// Test oracles: validate synthesized manifests against upstream schemas.
//  1. @kubernetes-models/* (the upstream CRD and Kubernetes JSON schemas, as published on npm; independent of our
//     generated bindings, but of older upstream versions than the pinned CRDs, and they accept unknown fields).
//  2. A strict check in which unknown fields are errors, as `kubectl apply` with strict field validation and
//     `kubectl argo rollouts lint` would report them: schemas derived from the bindings in imports/, which
//     `cdk8s import` generated from the pinned CRDs (binding-schemas.ts).
// Both are compiled once per content and kept on disk (schema-cache.ts), so a suite only loads them.
import * as fs from 'fs';
import * as path from 'path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as YAML from 'yaml';
import { MODEL_SCHEMAS, schemaCacheDir } from './schema-cache';

const k8sModels: { [group: string]: any } = {
  'v1': coreV1,
  'apps/v1': appsV1,
  'policy/v1': policyV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
};

/** The @kubernetes-models oracle of a kind: a schema compiled in schema-cache.ts, or a class with its own validator. */
type ModelOracle = { readonly schemaId: string; readonly apiVersion: string } | { readonly cls: any };

function modelOracle(apiVersion: string, kind: string): ModelOracle | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const compiled = (id: string, asVersion: string): ModelOracle | undefined =>
    Object.values(MODEL_SCHEMAS).includes(id) ? { schemaId: id, apiVersion: asVersion } : undefined;
  if (group === 'argoproj.io') {
    return kind === 'Application' ? { cls: Application } : compiled(`argoproj.io.v1alpha1.${kind}`, apiVersion);
  } else if (group === 'networking.istio.io') {
    // @kubernetes-models/istio 2.3 has no v1 classes; Istio serves identical schemas for v1, v1beta1 and v1alpha3.
    return compiled(`networking.istio.io.v1beta1.${kind}`, 'networking.istio.io/v1beta1');
  } else if (group === 'security.istio.io') {
    // @kubernetes-models/istio 2.3 has PeerAuthentication only as v1beta1 (Istio serves identical schemas for v1 and v1beta1).
    if (kind === 'PeerAuthentication') return compiled('security.istio.io.v1beta1.PeerAuthentication', 'security.istio.io/v1beta1');
    return compiled(`security.istio.io.v1.${kind}`, apiVersion);
  }
  const cls = k8sModels[apiVersion]?.[kind];
  return cls ? { cls } : undefined;
}

/** Validates one manifest; throws with the failing path. */
export function validateManifest(obj: any): void {
  const { apiVersion, kind } = obj;
  const model = modelOracle(apiVersion, kind);
  if (!model) {
    throw new Error(`no schema oracle for ${apiVersion} ${kind}`);
  }
  if ('cls' in model) {
    new model.cls(obj).validate();
  } else {
    const validate = compiledValidator('models', model.schemaId)!;
    if (!validate({ ...withoutNewerFields(obj), apiVersion: model.apiVersion })) {
      throw new Error(`not valid against the @kubernetes-models ${model.schemaId} schema:\n  ${formatErrors(withoutNullableRefErrors(validate.errors))}`);
    }
  }
  validateStrict(obj);
}

/**
 * The object as @kubernetes-models/argo-rollouts 0.3.2 can read it: its schema predates Datadog API v2 `queries`
 * (Argo Rollouts 1.7) and requires `query`, so a Datadog metric with `queries` gets an empty `query` for this oracle
 * only. The strict check (validateStrict) validates the real object against the schema of the pinned v1.9.1 CRD's
 * binding, where `query` is optional.
 */
function withoutNewerFields(obj: any): any {
  const metrics = obj?.spec?.metrics;
  if (!Array.isArray(metrics) || !metrics.some((m: any) => m?.provider?.datadog?.queries)) return obj;
  const copy = JSON.parse(JSON.stringify(obj));
  for (const m of copy.spec.metrics) if (m?.provider?.datadog?.queries && m.provider.datadog.query === undefined) m.provider.datadog.query = '';
  return copy;
}

/** Validates every manifest of a synthesized chart. Returns the manifests for chaining. */
export function validateManifests(manifests: any[]): any[] {
  for (const m of manifests) {
    try {
      validateManifest(m);
    } catch (e: any) {
      throw new Error(`${m.kind} ${m.metadata?.name}: ${e.message}\n${YAML.stringify(m)}`);
    }
  }
  return manifests;
}

// ---------------------------------------------------------------------------------------------------
// Strict check: the schemas derived from the bindings of the pinned CRDs.

/** Groups whose objects have a strict schema (the CRDs in imports/); core kinds are checked by kubernetes-models. */
const CRD_GROUPS = ['argoproj.io', 'networking.istio.io', 'security.istio.io'];

/**
 * The strict check alone (validateManifest runs it after the @kubernetes-models check): throws when an object of a
 * CRD group has a field its pinned CRD does not define, a wrong type, a missing required field or a value outside
 * an enum. Core kinds have no strict schema here.
 */
export function validateStrict(obj: any): void {
  const [group, version] = obj.apiVersion.split('/');
  if (!CRD_GROUPS.includes(group)) return;
  // the bindings hold the version the library emits; Istio serves identical schemas for all of its versions
  const bound = group.endsWith('.istio.io') ? `${group}/v1` : `${group}/${version}`;
  const validate = compiledValidator('strict', `${bound}/${obj.kind}`);
  if (!validate) {
    throw new Error(`no strict schema for ${obj.apiVersion} ${obj.kind} (imports/ has no binding for it)`);
  }
  if (!validate({ ...obj, apiVersion: bound })) {
    throw new Error(`not valid against the pinned ${obj.apiVersion} ${obj.kind} CRD schema (strict, derived from imports/):\n  ${formatErrors(validate.errors)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// The compiled validators (schema-cache.ts), loaded when first used.

interface CompiledValidator {
  (data: any): boolean;
  errors?: any[] | null;
}

let cacheDir: string | undefined;
let cacheIndex: { [set: string]: { [key: string]: string } } | undefined;
const loadedValidators = new Map<string, CompiledValidator>();

function compiledValidator(set: 'strict' | 'models', key: string): CompiledValidator | undefined {
  if (!cacheDir) {
    cacheDir = schemaCacheDir();
    cacheIndex = JSON.parse(fs.readFileSync(path.join(cacheDir, 'index.json'), 'utf-8'));
  }
  const file = cacheIndex![set][key];
  if (!file) return undefined;
  const id = `${set}/${file}`;
  let validate = loadedValidators.get(id);
  if (!validate) {
    // a generated CommonJS module whose path is known only at run time
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    validate = require(path.join(cacheDir, set, file)) as CompiledValidator;
    loadedValidators.set(id, validate);
  }
  return validate;
}

function formatErrors(errors: any[] | null | undefined): string {
  return (errors ?? []).map((e: any) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`).join('\n  ');
}

/**
 * Drops the errors of a `oneOf: [{$ref}, {type: null}]` whose null branch is the one that failed, as
 * @kubernetes-models/validate does before it reports.
 */
function withoutNullableRefErrors(errors: any[] | null | undefined): any[] {
  const excluded = new Set<string>();
  const result: any[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'oneOf' && Array.isArray(e.schema)) {
      const nullIndex = e.schema.findIndex((x: any) => x.type === 'null');
      if (nullIndex > -1) {
        excluded.add(`${e.schemaPath}/${nullIndex}/type`);
        continue;
      }
    }
    result.push(e);
  }
  return result.filter(e => !excluded.has(e.schemaPath));
}
