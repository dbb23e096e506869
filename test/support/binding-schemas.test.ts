// The strict schemas are read back from generated bindings: what each construct of `cdk8s import` output becomes.
// (scripts/check-binding-schemas.ts compares the result for the real imports/ with the pinned CRDs themselves.)
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { deriveBindingSchemas } from './binding-schemas';

/** A binding module in the shape `cdk8s import` writes (trimmed to what the derivation reads). */
const WIDGET = `
import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
export class Widget extends ApiObject {
  public static readonly GVK: GroupVersionKind = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
  }
}
export interface WidgetProps {
  readonly metadata?: ApiObjectMetadata;
  readonly spec?: WidgetSpec;
}
export function toJson_WidgetProps(obj: WidgetProps | undefined): Record<string, any> | undefined {
  if (obj === undefined) { return undefined; }
  const result = {
    'metadata': obj.metadata,
    'spec': toJson_WidgetSpec(obj.spec),
  };
  return result;
}
export interface WidgetSpec {
  readonly hostIp: string;
  readonly replicas?: number;
  readonly paused?: boolean;
  readonly mode?: WidgetSpecMode;
  readonly maxSurge?: WidgetSpecMaxSurge;
  readonly labels?: { [key: string]: string };
  readonly ports?: WidgetSpecPorts[];
  readonly config?: any;
  readonly restartAt?: Date;
}
export function toJson_WidgetSpec(obj: WidgetSpec | undefined): Record<string, any> | undefined {
  if (obj === undefined) { return undefined; }
  const result = {
    'hostIP': obj.hostIp,
    'replicas': obj.replicas,
    'paused': obj.paused,
    'mode': obj.mode,
    'maxSurge': obj.maxSurge?.value,
    'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})),
    'ports': obj.ports?.map(y => toJson_WidgetSpecPorts(y)),
    'config': obj.config,
    'restartAt': obj.restartAt?.toISOString(),
  };
  return result;
}
export enum WidgetSpecMode {
  /** STRICT */
  STRICT = "STRICT",
  /** PERMISSIVE */
  PERMISSIVE = "PERMISSIVE",
}
export class WidgetSpecMaxSurge {
  public static fromNumber(value: number): WidgetSpecMaxSurge {
    return new WidgetSpecMaxSurge(value);
  }
  public static fromString(value: string): WidgetSpecMaxSurge {
    return new WidgetSpecMaxSurge(value);
  }
  private constructor(public readonly value: number | string) {
  }
}
export interface WidgetSpecPorts {
  readonly number: number;
}
export function toJson_WidgetSpecPorts(obj: WidgetSpecPorts | undefined): Record<string, any> | undefined {
  if (obj === undefined) { return undefined; }
  const result = {
    'number': obj.number,
  };
  return result;
}
`;

function validator(source: string) {
  const schemas = deriveBindingSchemas({ 'widget.ts': source });
  return new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schemas['example.com/v1/Widget']);
}

const valid = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', labels: { any: 'thing' } },
  spec: {
    hostIP: '10.0.0.1',
    replicas: 2,
    paused: false,
    mode: 'STRICT',
    maxSurge: '25%',
    labels: { app: 'w' },
    ports: [{ number: 80 }],
    config: { free: ['form'] },
    restartAt: '2026-01-01T00:00:00Z',
  },
};

describe('deriveBindingSchemas', () => {
  test('one schema per API object class, keyed by its apiVersion and kind', () => {
    expect(Object.keys(deriveBindingSchemas({ 'widget.ts': WIDGET }))).toEqual(['example.com/v1/Widget']);
  });

  test('accepts an object that uses every kind of field', () => {
    const validate = validator(WIDGET);
    expect(validate(valid)).toBe(true);
  });

  test.each([
    ['an unknown field', { spec: { ...valid.spec, replica: 1 } }, 'must NOT have additional properties'],
    ['the property name instead of the JSON name', { spec: { ...valid.spec, hostIP: undefined, hostIp: '10.0.0.1' } }, "must have required property 'hostIP'"],
    ['a missing required field', { spec: { ...valid.spec, hostIP: undefined } }, "must have required property 'hostIP'"],
    ['a string for a number', { spec: { ...valid.spec, replicas: '2' } }, 'must be number'],
    ['a string for a boolean', { spec: { ...valid.spec, paused: 'false' } }, 'must be boolean'],
    ['a value outside an enum', { spec: { ...valid.spec, mode: 'strict' } }, 'must be equal to one of the allowed values'],
    ['a boolean for an int-or-string', { spec: { ...valid.spec, maxSurge: true } }, 'must be integer,string'],
    ['a number in a string map', { spec: { ...valid.spec, labels: { app: 1 } } }, 'must be string'],
    ['an unknown field in an array item', { spec: { ...valid.spec, ports: [{ number: 80, name: 'http' }] } }, 'must NOT have additional properties'],
    ['an unknown top-level field', { status: {} }, 'must NOT have additional properties'],
    ['another kind', { kind: 'Gadget' }, 'must be equal to constant'],
  ])('fails on %s', (_what, change, message) => {
    const validate = validator(WIDGET);
    const obj = JSON.parse(JSON.stringify({ ...valid, ...change }));
    expect(validate(obj)).toBe(false);
    expect(validate.errors!.map(e => e.message)).toContain(message);
  });

  test('an int-or-string takes an integer', () => {
    expect(validator(WIDGET)({ ...valid, spec: { ...valid.spec, maxSurge: 1 } })).toBe(true);
  });

  test('fails loudly on a construct it does not know, instead of leaving the field open', () => {
    const union = WIDGET.replace('readonly replicas?: number;', 'readonly replicas?: number | string;');
    expect(() => deriveBindingSchemas({ 'widget.ts': union })).toThrow(/widget.ts: WidgetSpec#replicas: unsupported type number \| string/);
    const unmapped = WIDGET.replace("'paused': obj.paused,", '');
    expect(() => deriveBindingSchemas({ 'widget.ts': unmapped })).toThrow(/toJson_WidgetSpec does not write paused/);
  });

  test('gives a schema for every generated kind in imports/', () => {
    const dir = path.join(__dirname, '..', '..', 'imports');
    const sources = Object.fromEntries(fs.readdirSync(dir).map(f => [f, fs.readFileSync(path.join(dir, f), 'utf-8')]));
    expect(Object.keys(deriveBindingSchemas(sources)).sort()).toEqual([
      'argoproj.io/v1alpha1/AnalysisTemplate',
      'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/ClusterAnalysisTemplate',
      'argoproj.io/v1alpha1/Rollout',
      'networking.istio.io/v1/DestinationRule',
      'networking.istio.io/v1/Gateway',
      'networking.istio.io/v1/VirtualService',
      'security.istio.io/v1/AuthorizationPolicy',
      'security.istio.io/v1/PeerAuthentication',
    ]);
  });
});
