import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigData, versionedConfigName, VERSIONED_CONFIG_LABEL } from './private/config';
import { withConstructPath, withPathOfChild } from './private/constructs/construct-path';
import { PREREQUISITES_ANNOTATIONS } from './private/constructs/wave-annotations';
import { assertDnsLabel } from './private/k8s';
import { assertIntInRange } from './private/validate';

/** Argo CD's per-resource sync options on every version: never pruned by a sync (see docs/config-changes.md). */
const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Argo CD's per-resource compare options: a version that left git does not make the Application OutOfSync. */
const ARGOCD_COMPARE_OPTIONS = 'argocd.argoproj.io/compare-options';
/** The base name leaves room for '-' and the 10 hex digits of the hash within a DNS-1123 label (63). */
const MAX_BASE_NAME = 52;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** The content of an earlier version of a `VersionedConfigMap`. */
export interface ConfigMapVersion {
  /**
   * The data entries of that version.
   * @default - none
   */
  readonly data?: { [key: string]: string };
  /**
   * The binary data entries of that version (base64).
   * @default - none
   */
  readonly binaryData?: { [key: string]: string };
}

/** Props of `VersionedConfigMap`. */
export interface VersionedConfigMapProps {
  /**
   * Base name: the ConfigMap is named `<name>-<10 hex digits of a hash of its content>`. A DNS-1123 label of at
   * most 52 characters.
   * @default - the construct id, lowercased
   */
  readonly name?: string;
  /**
   * Namespace of the ConfigMap (the pods that read it must be in the same one).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * The data entries. All of them are given here: the name is a hash of the content, and it is written into pod
   * templates as soon as the ConfigMap is referenced.
   * @default - none
   */
  readonly data?: { [key: string]: string };
  /**
   * The binary data entries (base64).
   * @default - none
   */
  readonly binaryData?: { [key: string]: string };
  /**
   * Earlier versions of this configuration, oldest first. The last `retain` of them (those that differ from the
   * current content) are written to the output next to the current one, each under its own hashed name, so that the
   * ReplicaSets of earlier revisions still find the configuration they were started with (rollback, abort while a
   * newer canary waits) and a plain `kubectl apply --prune` or a GitOps tool without Argo CD's options keeps them.
   * @default - none
   */
  readonly previousVersions?: ConfigMapVersion[];
  /**
   * How many of the last `previousVersions` are kept in the output.
   * @default 2 (the version of the stable pods even when the previous canary was never promoted)
   */
  readonly retain?: number;
}

/**
 * A ConfigMap named by a hash of its content (`<name>-<hash>`) and immutable, so that a configuration change is a
 * canary release: the pods reference the new name, the pod template changes, the Rollout starts a new revision
 * (with a new revision label for the analysis), and an abort returns traffic to stable pods that still read the old
 * ConfigMap, which is untouched.
 *
 * Reference it like any `kplus.ConfigMap` (`kplus.Volume.fromConfigMap(...)`, `kplus.Env.fromConfigMap(...)`,
 * `kplus.EnvValue.fromConfigMap(...)`): the references carry the hashed name.
 *
 * Every version carries the Argo CD options `Prune=false` and `IgnoreExtraneous`: Argo CD never deletes a version
 * that a ReplicaSet may still read, and a version that left git does not make the Application OutOfSync. Old
 * versions are cleaned up with the command in docs/config-changes.md.
 */
export class VersionedConfigMap extends kplus.ConfigMap {
  /** The base name (without the hash). */
  public readonly baseName: string;
  /** The names of the earlier versions kept in the output, oldest first. */
  public readonly retainedNames: string[];
  private readonly sealed: boolean;

  constructor(scope: Construct, id: string, props: VersionedConfigMapProps = {}) {
    const base = props.name ?? id.toLowerCase();
    withPathOfChild(scope, id, () => checkProps(base, props));
    super(scope, id, {
      metadata: { name: versionedConfigName(base, props), namespace: props.namespace, labels: labelsOf(base), annotations: annotationsOf() },
      data: props.data,
      binaryData: props.binaryData,
      immutable: true,
    });
    this.baseName = base;
    this.retainedNames = withConstructPath(this, () => this.definePreviousVersions(props));
    this.sealed = true;
  }

  /** @see kplus.ConfigMap.addData() */
  public addData(key: string, value: string): void {
    withConstructPath(this, () => {
      this.assertOpen(`addData("${key}")`);
      super.addData(key, value);
    });
  }

  /** @see kplus.ConfigMap.addBinaryData() */
  public addBinaryData(key: string, value: string): void {
    withConstructPath(this, () => {
      this.assertOpen(`addBinaryData("${key}")`);
      super.addBinaryData(key, value);
    });
  }

  private assertOpen(call: string): void {
    if (!this.sealed) return;
    throw new Error(`VersionedConfigMap "${this.name}": ${call} after construction would change its content, but its name is a hash of `
      + "the content and may already be in pod templates: pass every entry in 'data' or 'binaryData' when you create it");
  }

  /** The retained earlier versions, as immutable ConfigMaps with the same labels and annotations. */
  private definePreviousVersions(props: VersionedConfigMapProps): string[] {
    const retain = props.retain ?? 2;
    const names: string[] = [];
    const seen = new Set([this.name]);
    const versions = [...props.previousVersions ?? []].reverse(); // newest first
    for (const version of versions) {
      if (names.length >= retain) break;
      const name = versionedConfigName(this.baseName, version);
      if (seen.has(name)) continue;
      seen.add(name);
      names.push(name);
    }
    names.reverse();
    for (const name of names) {
      const version = props.previousVersions!.find(v => versionedConfigName(this.baseName, v) === name)!;
      new ApiObject(this, `Version-${name}`, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: props.namespace, labels: labelsOf(this.baseName), annotations: annotationsOf() },
        immutable: true,
        data: nonEmpty(version.data),
        binaryData: nonEmpty(version.binaryData),
      });
    }
    return names;
  }
}

function checkProps(base: string, props: VersionedConfigMapProps): void {
  assertDnsLabel(props.name === undefined ? 'name (from the construct id)' : 'name', base);
  if (base.length > MAX_BASE_NAME) {
    throw new Error(`'name' ("${base}") has ${base.length} characters: a VersionedConfigMap adds '-' and a 10-digit hash, so the base `
      + `name is at most ${MAX_BASE_NAME} characters (the full name stays a 63-character label). Shorten it`);
  }
  if (props.retain !== undefined) assertIntInRange('retain', props.retain, 0, 20);
  checkKeys('data', props);
  (props.previousVersions ?? []).forEach((v, i) => checkKeys(`previousVersions[${i}]`, v));
}

function checkKeys(prop: string, content: ConfigData): void {
  const data = Object.keys(content.data ?? {});
  const binary = Object.keys(content.binaryData ?? {});
  for (const key of [...data, ...binary]) {
    if (!DATA_KEY.test(key) || key.length > 253) {
      throw new Error(`'${prop}' has the key "${key}", which Kubernetes rejects: a ConfigMap key is at most 253 letters, digits, '-', '_' or '.'`);
    }
  }
  const both = data.filter(k => binary.includes(k));
  if (both.length > 0) {
    throw new Error(`'${prop}' has the key "${both[0]}" in both 'data' and 'binaryData', which Kubernetes rejects: keep it in one of them`);
  }
}

function labelsOf(base: string): { [key: string]: string } {
  return { [VERSIONED_CONFIG_LABEL]: base };
}

function annotationsOf(): { [key: string]: string } {
  return { ...PREREQUISITES_ANNOTATIONS, [ARGOCD_SYNC_OPTIONS]: 'Prune=false', [ARGOCD_COMPARE_OPTIONS]: 'IgnoreExtraneous' };
}

function nonEmpty(map: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  return map && Object.keys(map).length > 0 ? map : undefined;
}
