// Argo Rollouts notifications as the controller reads them: the subscription annotations on a Rollout, the
// `argo-rollouts-notification-configmap` (services, templates, triggers) and the `$key` references into
// `argo-rollouts-notification-secret`. One definition each, shared by the constructs and the rules. Not exported from
// the package.
//
// Upstream (read at Argo Rollouts v1.9.1, which vendors notifications-engine v0.5.0):
// - argo-rollouts utils/record/record.go: the ConfigMap and Secret names; a controller event of reason R is the
//   trigger `on-<r in kebab case>` (translateReasonToTrigger); the subscriptions are read from the Rollout's own
//   annotations; every configuration the controller reads for the Rollout's namespace runs the trigger and sends on
//   its own (sendNotifications).
// - notifications-engine pkg/api/factory.go: the configurations are the ConfigMap in the Rollout's namespace (read
//   only when the controller runs with --self-service-notification-enabled, v1.6+) and the one in the controller's
//   namespace (GetAPIsFromNamespace).
// - notifications-engine pkg/subscriptions/annotations.go: `notifications.argoproj.io/subscribe.<trigger>.<service>`,
//   recipients separated by ';' and trimmed.
// - notifications-engine pkg/api/config.go: the keys `service.<type>[.<name>]`, `template.<name>`, `trigger.<name>`;
//   `$key` references in service settings (`[$][\w-]+`).
// - notifications-engine pkg/services/services.go: the service types (NewService).
// - argo-rollouts manifests/notifications-install.yaml: the catalog of triggers most clusters install.
import type * as YAMLModule from 'yaml';

/** The ConfigMap the controller reads its notifications configuration from. */
export const NOTIFICATIONS_CONFIGMAP = 'argo-rollouts-notification-configmap';
/** The Secret that `$key` references in the ConfigMap resolve against (in the ConfigMap's namespace). */
export const NOTIFICATIONS_SECRET = 'argo-rollouts-notification-secret';
/** The namespace the controller runs in when nothing else is said (utils/defaults Namespace()). */
export const DEFAULT_CONTROLLER_NAMESPACE = 'argo-rollouts';
/** The prefix of a subscription annotation. */
export const SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
/** The annotation that holds subscriptions as a YAML list (the other form the engine reads). */
export const SUBSCRIPTIONS_ANNOTATION = 'notifications.argoproj.io/subscriptions';

/** A trigger of the catalog, with the controller event that fires it. */
export interface CatalogTrigger {
  readonly name: string;
  /** The Kubernetes event reason the controller records on the Rollout. */
  readonly reason: string;
  /** When it fires, in words. */
  readonly when: string;
}

/**
 * The triggers of Argo Rollouts' notifications catalog (manifests/notifications-install.yaml at v1.9.1). They are not
 * compiled into the controller: a configuration (the cluster's ConfigMap, or one this library writes) must define them.
 */
export const CATALOG_TRIGGERS: readonly CatalogTrigger[] = [
  { name: 'on-analysis-run-error', reason: 'AnalysisRunError', when: 'an analysis run of the release errors (its measurements could not be taken)' },
  { name: 'on-analysis-run-failed', reason: 'AnalysisRunFailed', when: 'an analysis run of the release fails' },
  { name: 'on-analysis-run-running', reason: 'AnalysisRunRunning', when: 'an analysis run of the release starts running' },
  { name: 'on-rollout-aborted', reason: 'RolloutAborted', when: 'the release is aborted (traffic back to stable)' },
  { name: 'on-rollout-completed', reason: 'RolloutCompleted', when: 'the release completes: the new version is stable' },
  { name: 'on-rollout-paused', reason: 'RolloutPaused', when: 'the release pauses' },
  { name: 'on-rollout-step-completed', reason: 'RolloutStepCompleted', when: 'a step of the release completes' },
  { name: 'on-rollout-updated', reason: 'RolloutUpdated', when: 'the Rollout is updated to a new revision' },
  { name: 'on-scaling-replica-set', reason: 'ScalingReplicaSet', when: 'the controller scales a ReplicaSet of the Rollout' },
];

/** The names of the catalog triggers, in catalog order. */
export const CATALOG_TRIGGER_NAMES: readonly string[] = CATALOG_TRIGGERS.map(t => t.name);

/**
 * The trigger a controller event fires: `on-` and the event reason in kebab case (record.go translateReasonToTrigger,
 * the same two regular expressions).
 */
export function triggerOfReason(reason: string): string {
  const first = reason.replace(/(.)([A-Z][a-z]+)/g, '$1-$2');
  return `on-${first.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/**
 * The event reasons the controller records on a Rollout in a canary release with Istio (v1.9.1: rollout/*.go and
 * utils/conditions/conditions.go), so the triggers that fire without a condition. The analysis run ones are
 * `AnalysisRun<phase>` (rollout/analysis.go emitAnalysisRunStatusChanges).
 */
export const ROLLOUT_EVENT_REASONS: readonly string[] = [
  'AnalysisRunError', 'AnalysisRunFailed', 'AnalysisRunInconclusive', 'AnalysisRunPending', 'AnalysisRunRunning', 'AnalysisRunSuccessful',
  'NewReplicaSetCreated', 'RolloutAborted', 'RolloutCompleted', 'RolloutNotCompleted', 'RolloutPaused', 'RolloutResumed',
  'RolloutStepCompleted', 'RolloutUpdated', 'ScalingReplicaSet', 'SkipSteps', 'TrafficWeightUpdated',
];

/** The triggers the controller's events fire, sorted. */
export const EVENT_TRIGGER_NAMES: readonly string[] = ROLLOUT_EVENT_REASONS.map(triggerOfReason).sort();

/** The service types notifications-engine v0.5.0 knows (pkg/services/services.go NewService). */
export const SERVICE_TYPES: readonly string[] = [
  'alertmanager', 'awssqs', 'email', 'github', 'googlechat', 'grafana', 'mattermost', 'newrelic', 'opsgenie',
  'pagerduty', 'pagerdutyv2', 'pushover', 'rocketchat', 'slack', 'teams', 'telegram', 'webex', 'webhook',
];

/**
 * A trigger, service or template name: the engine splits keys on '.', so a name has none; it must also fit the name
 * part of an annotation key (letters, digits, '-', '_', starting and ending with a letter or digit).
 */
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/;
/** The name part of an annotation key is at most 63 characters. */
const ANNOTATION_NAME_MAX = 63;

/** Why `name` cannot be a trigger, service or template name, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (NAME.test(name)) return undefined;
  return 'a name is letters, digits, \'-\' and \'_\', starting and ending with a letter or digit, without \'.\' '
    + '(the controller splits annotation and ConfigMap keys on \'.\')';
}

/** The subscription annotation key of a trigger and a service. */
export function subscriptionKey(trigger: string, service: string): string {
  return `${SUBSCRIBE_PREFIX}${trigger}.${service}`;
}

/** Why the annotation key of `trigger` and `service` is too long, or undefined. */
export function subscriptionKeyProblem(trigger: string, service: string): string | undefined {
  const name = subscriptionKey(trigger, service).slice('notifications.argoproj.io/'.length);
  if (name.length <= ANNOTATION_NAME_MAX) return undefined;
  return `the annotation key "${subscriptionKey(trigger, service)}" has a name part of ${name.length} characters; Kubernetes allows ${ANNOTATION_NAME_MAX}`;
}

/** A subscription annotation key split as the engine splits it. */
export interface ParsedSubscriptionKey {
  /** Empty when the key names only a service (the service's default triggers). */
  readonly trigger: string;
  readonly service: string;
  /** Parts after the service, which the engine ignores. */
  readonly ignored: string[];
}

/** Splits a `notifications.argoproj.io/subscribe.*` key (annotations.go iterate()); undefined for any other key. */
export function parseSubscriptionKey(key: string): ParsedSubscriptionKey | undefined {
  if (!key.startsWith(SUBSCRIBE_PREFIX)) return undefined;
  const parts = key.slice(SUBSCRIBE_PREFIX.length).split('.');
  if (parts.length === 1) return { trigger: '', service: parts[0], ignored: [] };
  return { trigger: parts[0], service: parts[1], ignored: parts.slice(2) };
}

/** The recipients of a subscription value: split on ';', trimmed, empty ones dropped (parseRecipients). */
export function parseRecipients(value: string): string[] {
  return value.split(';').map(r => r.trim()).filter(r => r !== '');
}

/** The subscription value of a list of recipients. */
export function formatRecipients(recipients: readonly string[]): string {
  return recipients.join(';');
}

// -------------------------------------------------------------------------------------------------
// Secret references and credentials

/** A `$key` reference, as the engine finds them in service settings (keyPattern). */
const SECRET_REFERENCE = /[$][\w-]+/g;
/** A key of a Secret that a `$key` reference can name: the engine's `[\w-]+`, within a Secret key's characters. */
const SECRET_KEY = /^[A-Za-z0-9_-]+$/;

/** Why `key` cannot be referenced as `$key`, or undefined. */
export function secretKeyProblem(key: string): string | undefined {
  if (key.length <= 253 && SECRET_KEY.test(key)) return undefined;
  return 'a key that a `$key` reference can name is letters, digits, \'-\' and \'_\' (the controller reads the reference up to the '
    + 'first other character, so a \'.\' cuts it), at most 253 characters';
}

/** The reference to a key of the notifications Secret. */
export function secretReference(key: string): string {
  return `$${key}`;
}

/** Whether the text holds at least one `$key` reference. */
export function hasSecretReference(text: string): boolean {
  SECRET_REFERENCE.lastIndex = 0;
  return SECRET_REFERENCE.test(text);
}

/** Setting names whose value is a credential. */
const CREDENTIAL_NAME = /(token|password|passwd|secret|api[-_]?key|credential|private[-_]?key|webhook[-_]?url|signing|routing[-_]?key|service[-_]?key|integration[-_]?key)/i;

/** Header names whose value is a credential. */
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token|x-access-token|private-token)$/i;

/** URLs whose path or query is itself a credential (incoming webhooks and bot URLs). */
const CREDENTIAL_URLS: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9]/i, what: 'a Slack incoming-webhook URL' },
  { pattern: /\.webhook\.office\.com\/webhook/i, what: 'a Microsoft Teams incoming-webhook URL' },
  { pattern: /outlook\.office(365)?\.com\/webhook\//i, what: 'a Microsoft Teams incoming-webhook URL' },
  { pattern: /\.logic\.azure\.com[^\s]*[?&]sig=[A-Za-z0-9]/i, what: 'a Teams workflow URL with its signature' },
  { pattern: /discord(app)?\.com\/api\/webhooks\/[0-9]/i, what: 'a Discord webhook URL' },
  { pattern: /api\.telegram\.org\/bot[0-9]/i, what: 'a Telegram bot URL with its token' },
  { pattern: /chat\.googleapis\.com\/[^\s]*[?&](key|token)=[A-Za-z0-9]/i, what: 'a Google Chat webhook URL with its key' },
  { pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, what: 'a URL with a user name and password' },
  { pattern: /[?&](token|access_token|api_key|apikey|key|sig|signature|secret|password)=[A-Za-z0-9]/i, what: 'a URL with a credential in its query' },
];

/** Strings that are credentials whatever setting holds them (well-known token prefixes). */
const CREDENTIAL_VALUES: ReadonlyArray<{ readonly pattern: RegExp; readonly what: string }> = [
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{8,}/, what: 'a Slack token' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/, what: 'a GitHub token' },
  { pattern: /\bglpat-[A-Za-z0-9_-]{16,}/, what: 'a GitLab token' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /^(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}$/i, what: 'an Authorization header value' },
];

/**
 * Why a setting value is a credential written inline, or undefined. `path` names the setting (for example
 * `token`, `headers[0].value`, `recipientUrls.ops`); `headerName` is the header a value belongs to, if any. The parts
 * of the value that are `$key` references are not looked at: `Bearer $token` is a reference.
 */
export function inlineCredential(path: string, value: string, headerName?: string): string | undefined {
  const literal = value.replace(SECRET_REFERENCE, '');
  const referenced = literal !== value;
  for (const { pattern, what } of CREDENTIAL_VALUES) {
    if (pattern.test(literal)) return `it is ${what}`;
  }
  for (const { pattern, what } of CREDENTIAL_URLS) {
    if (pattern.test(literal)) return `it is ${what}`;
  }
  if (referenced || literal.trim() === '') return undefined;
  const last = path.split('.').pop() ?? path;
  if (headerName !== undefined && CREDENTIAL_HEADER.test(headerName)) return `the header "${headerName}" carries a credential`;
  if (headerName === undefined && CREDENTIAL_NAME.test(last.replace(/\[\d+\]$/, ''))) return `the setting "${last}" is a credential`;
  if (/(^|\.)recipientUrls\./.test(path)) return 'a Teams recipient URL is an incoming-webhook URL, a credential';
  return undefined;
}

/** One string of a service's settings, with where it is and the header it belongs to. */
export interface SettingString {
  readonly path: string;
  readonly value: string;
  readonly headerName?: string;
}

/**
 * Every string of a service's settings (parsed YAML), depth first in key order: what the engine replaces `$key`
 * references in (replaceServiceConfigSecrets walks every string scalar). A `{name, value}` entry of a `headers` list
 * carries its header name.
 */
export function settingStrings(value: any, path = ''): SettingString[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => settingStrings(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const out: SettingString[] = [];
  const header = /(^|\.)headers\[\d+\]$/.test(path) && typeof value.name === 'string' ? value.name : undefined;
  for (const k of Object.keys(value)) {
    const sub = path ? `${path}.${k}` : k;
    if (header !== undefined && k === 'value' && typeof value[k] === 'string') out.push({ path: sub, value: value[k], headerName: header });
    else out.push(...settingStrings(value[k], sub));
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// The ConfigMap, as the engine parses it (ParseConfig)

/** A service of a notifications ConfigMap. */
export interface ConfigService {
  readonly key: string;
  readonly name: string;
  readonly type: string;
  /** The parsed settings; undefined when they do not parse. */
  readonly settings?: any;
}

/** A trigger of a notifications ConfigMap. */
export interface ConfigTrigger {
  readonly key: string;
  readonly name: string;
  /** The templates each condition sends, in order. */
  readonly sends: string[][];
}

/** A key of a notifications ConfigMap that the engine cannot parse, and why. */
export interface ConfigProblem {
  readonly key: string;
  readonly problem: string;
}

/** What the engine reads from a notifications ConfigMap, and why it would refuse it. */
export interface NotificationsConfigData {
  readonly services: ConfigService[];
  readonly triggers: ConfigTrigger[];
  readonly templates: string[];
  /** Keys the engine cannot parse (it then drops the whole configuration). */
  readonly problems: ConfigProblem[];
}

let yamlModule: typeof YAMLModule | undefined;

/** The YAML parser, loaded when the first notifications ConfigMap is read. */
function yaml(): typeof YAMLModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as typeof YAMLModule;
  return yamlModule;
}

/** Parses a YAML text; the error message when it does not parse. */
function parseYaml(text: unknown): { value?: any; error?: string } {
  if (typeof text !== 'string') return { error: `the value is not a string (${JSON.stringify(text)})` };
  try {
    return { value: yaml().parse(text) };
  } catch (e: any) {
    return { error: `the value is not YAML (${String(e.message).split('\n')[0]})` };
  }
}

const isMapping = (v: any) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads the data of a notifications ConfigMap as ParseConfig does, in key order. */
export function readNotificationsConfig(data: { [key: string]: unknown } | undefined): NotificationsConfigData {
  const out: NotificationsConfigData = { services: [], triggers: [], templates: [], problems: [] };
  for (const key of Object.keys(data ?? {}).sort()) {
    const raw = data![key];
    const parts = key.split('.');
    if (key.startsWith('service.')) readService(key, parts, raw, out);
    else if (key.startsWith('trigger.')) readTrigger(key, parts.slice(1).join('.'), raw, out);
    else if (key.startsWith('template.')) readTemplate(key, parts.slice(1).join('.'), raw, out);
  }
  return out;
}

function readService(key: string, parts: string[], raw: unknown, out: NotificationsConfigData): void {
  if (parts.length < 2 || parts.length > 3 || parts.some(p => p === '')) {
    out.problems.push({ key, problem: "a service key is 'service.<type>' or 'service.<type>.<name>'" });
    return;
  }
  const type = parts[1];
  const name = parts[2] ?? parts[1];
  const parsed = parseYaml(raw);
  if (!SERVICE_TYPES.includes(type)) {
    out.problems.push({
      key,
      problem: `the service type "${type}" is not one the controller knows ("service type '${type}' is not supported"); known: ${SERVICE_TYPES.join(', ')}`,
    });
  } else if (parsed.error !== undefined) {
    out.problems.push({ key, problem: parsed.error });
  } else if (parsed.value !== null && parsed.value !== undefined && !isMapping(parsed.value)) {
    out.problems.push({ key, problem: 'the settings of a service are a YAML mapping' });
  }
  out.services.push({ key, name, type, settings: parsed.error === undefined ? parsed.value : undefined });
}

function readTrigger(key: string, name: string, raw: unknown, out: NotificationsConfigData): void {
  const parsed = parseYaml(raw);
  if (parsed.error !== undefined) {
    out.problems.push({ key, problem: parsed.error });
  } else if (!Array.isArray(parsed.value) || parsed.value.some((c: any) => !isMapping(c))) {
    out.problems.push({ key, problem: 'a trigger is a YAML list of conditions (`- send: [<template>]`, with optional `when` and `oncePer`)' });
  } else {
    const bad = parsed.value.findIndex((c: any) => !Array.isArray(c.send) || c.send.length === 0 || c.send.some((x: any) => typeof x !== 'string'));
    if (bad >= 0) out.problems.push({ key, problem: `condition ${bad} has no 'send' list of template names, so it sends nothing` });
    const badWhen = parsed.value.findIndex((c: any) => c.when !== undefined && typeof c.when !== 'string');
    if (badWhen >= 0) out.problems.push({ key, problem: `the 'when' of condition ${badWhen} is not a string (an expression)` });
  }
  const sends = Array.isArray(parsed.value)
    ? parsed.value.map((c: any) => (Array.isArray(c?.send) ? c.send.filter((s: any) => typeof s === 'string') : []))
    : [];
  out.triggers.push({ key, name, sends });
}

function readTemplate(key: string, name: string, raw: unknown, out: NotificationsConfigData): void {
  const parsed = parseYaml(raw);
  if (parsed.error !== undefined) out.problems.push({ key, problem: parsed.error });
  else if (!isMapping(parsed.value)) out.problems.push({ key, problem: 'a template is a YAML mapping (`message: ...`, with optional fields per service)' });
  out.templates.push(name);
}
