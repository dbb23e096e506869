// Test oracles: validate synthesized manifests against upstream schemas that are independent of our
// generated bindings.
//  1. @kubernetes-models/* (the upstream CRD and Kubernetes JSON schemas, as published on npm).
//  2. When the pinned CRDs are present (../shared/crds, or $CRD_DIR), a strict check with ajv against
//     their openAPIV3Schema in which unknown fields are errors, as `kubectl apply` with strict field
//     validation and `kubectl argo rollouts lint` would report them.
import * as fs from 'fs';
import * as path from 'path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { AnalysisTemplate, ClusterAnalysisTemplate, Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1';
import { DestinationRule, Gateway, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1';
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1beta1';
import Ajv from 'ajv';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as autoscalingV2 from 'kubernetes-models/autoscaling/v2';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as YAML from 'yaml';

const k8sModels: { [group: string]: any } = {
  'v1': coreV1,
  'apps/v1': appsV1,
  'policy/v1': policyV1,
  'autoscaling/v2': autoscalingV2,
  'batch/v1': batchV1,
};

const CRD_DIR = process.env.CRD_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'crds');

/** Validates one manifest; throws with the failing path. */
export function validateManifest(obj: any): void {
  const { apiVersion, kind } = obj;
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  let model: any;
  if (group === 'argoproj.io') {
    const classes: { [k: string]: any } = { Rollout, AnalysisTemplate, ClusterAnalysisTemplate, Application };
    model = classes[kind];
  } else if (group === 'networking.istio.io') {
    // @kubernetes-models/istio 2.3 has no v1 classes; Istio serves identical schemas for v1, v1beta1 and v1alpha3.
    const classes: { [k: string]: any } = { VirtualService, DestinationRule, Gateway };
    model = classes[kind] && { cls: classes[kind], apiVersion: 'networking.istio.io/v1beta1' };
  } else if (group === 'security.istio.io') {
    // @kubernetes-models/istio 2.3 has PeerAuthentication only as v1beta1 (Istio serves identical schemas for v1 and v1beta1).
    if (kind === 'PeerAuthentication') model = { cls: PeerAuthentication, apiVersion: 'security.istio.io/v1beta1' };
    if (kind === 'AuthorizationPolicy') model = AuthorizationPolicy;
  } else if (k8sModels[apiVersion]) {
    model = k8sModels[apiVersion][kind];
  }
  if (!model) {
    throw new Error(`no schema oracle for ${apiVersion} ${kind}`);
  }
  if (model.cls) {
    new model.cls({ ...obj, apiVersion: model.apiVersion }).validate();
  } else {
    new model(obj).validate();
  }
  strictCrdCheck(obj);
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
// Strict check against the pinned CRDs.

const validators = new Map<string, any>();
let loaded = false;
let warned = false;

function loadCrds() {
  loaded = true;
  if (!fs.existsSync(CRD_DIR)) return;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(e => e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []);
  for (const file of walk(CRD_DIR)) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf-8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        const root = structuredClone(v.schema.openAPIV3Schema);
        // every object has these, whether the CRD schema lists them or not
        root.properties = { ...root.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        const schema = closeObjects(root);
        validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
}

/** Makes every object schema with `properties` reject unknown fields (unless it preserves them). */
function closeObjects(schema: any): any {
  if (!schema || typeof schema !== 'object') return schema;
  delete schema['x-kubernetes-validations'];
  if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  for (const k of ['properties', 'patternProperties']) {
    if (schema[k]) for (const p of Object.keys(schema[k])) closeObjects(schema[k][p]);
  }
  for (const k of ['items', 'additionalProperties', 'not']) {
    if (schema[k] && typeof schema[k] === 'object') closeObjects(schema[k]);
  }
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(schema[k])) schema[k].forEach(closeObjects);
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete schema.type;
    schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return schema;
}

function strictCrdCheck(obj: any) {
  if (!loaded) loadCrds();
  const [group, version] = obj.apiVersion.split('/');
  const validate = validators.get(`${group}/${version}/${obj.kind}`);
  if (!validate) {
    if (validators.size === 0 && !warned) {
      warned = true;
      // eslint-disable-next-line no-console
      console.warn(`NOTE: pinned CRDs not found in ${CRD_DIR}; only the @kubernetes-models schema checks ran (set CRD_DIR)`);
    }
    return;
  }
  if (!validate(obj)) {
    const errors = validate.errors.map((e: any) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
    throw new Error(`not valid against the pinned ${obj.apiVersion} ${obj.kind} CRD schema:\n  ${errors.join('\n  ')}`);
  }
}
