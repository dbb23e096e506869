// The rule catalog: one entry per code. `docs/rules.md` has one section per entry (a test checks both ways).
import { RuleInfo, RuleSeverity, RuleSource } from './finding';

const E = RuleSeverity.ERROR;
const W = RuleSeverity.WARNING;
const ARGO = RuleSource.ARGO_ROLLOUTS;
const ISTIO = RuleSource.ISTIO;
const LIB = RuleSource.LIBRARY;
const ARGOCD = RuleSource.ARGO_CD;

const VALIDATION = 'argo-rollouts: pkg/apis/rollouts/validation/validation.go';
const REFERENCES = 'argo-rollouts: pkg/apis/rollouts/validation/validation_references.go';
const ISTIO_RECONCILER = 'argo-rollouts: rollout/trafficrouting/istio/istio.go';
const ANALYSIS = 'argo-rollouts: utils/analysis/helpers.go, rollout/controller.go';
const ISTIO_VALIDATION = 'istio: pkg/config/validation/validation.go';
const ISTIO_VS_VALIDATION = 'istio: pkg/config/validation/virtualservice.go';
const TEMPLATE_REF = 'argo-rollouts: rollout/templateref.go';
const WEB = 'argo-rollouts: metricproviders/webmetric/webmetric.go';
const DATADOG = 'argo-rollouts: metricproviders/datadog/datadog.go';
const JOB = 'argo-rollouts: metricproviders/job/job.go, analysis/analysis.go';
const ARGOCD_NORMALIZER = 'argo-cd: util/argo/normalizers/diff_normalizer.go';
const ARGOCD_SYNC = 'argo-cd: controller/sync.go (normalizeTargetResources)';
const NOTIFY_RECORD = 'argo-rollouts: utils/record/record.go (sendNotifications)';
const NOTIFY_CONFIG = 'notifications-engine v0.5.0: pkg/api/config.go (ParseConfig), pkg/services/services.go, pkg/triggers/service.go';

function rule(code: string, severity: RuleSeverity, source: RuleSource, title: string, upstream: string): RuleInfo {
  return { code, severity, source, title, upstream, docs: `docs/rules.md#${code.toLowerCase()}` };
}

/** Every rule, ordered by code. */
export const CATALOG: RuleInfo[] = [
  // --- CR1xx: Argo Rollouts controller (canary + Istio subset-level traffic routing)
  rule('CR101', E, ARGO, 'istio traffic routing names exactly one of virtualService and virtualServices', REFERENCES),
  rule('CR102', W, ARGO, 'the VirtualService named by the Rollout is not in the manifest set', REFERENCES),
  rule('CR103', E, ARGO, 'every route listed in `routes` is a named HTTP route of the VirtualService', ISTIO_RECONCILER),
  rule('CR104', E, ARGO, 'with `routes` omitted, the VirtualService has exactly one HTTP route that is not a managed route', ISTIO_RECONCILER),
  rule('CR105', E, ARGO, 'every managed route has a destination for stable and one for canary (subsets, or Services in host-level routing)', ISTIO_RECONCILER),
  rule('CR106', W, ARGO, 'the DestinationRule named by the Rollout is not in the manifest set', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (UpdateHash)'),
  rule('CR107', E, ARGO, 'the DestinationRule named by the Rollout is in the Rollout\'s namespace', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (UpdateHash)'),
  rule('CR108', E, ARGO, 'the DestinationRule defines the stable and canary subsets named by the Rollout', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (UpdateHash)'),
  rule('CR109', E, ARGO, 'a managed route has no destination the controller would delete', ISTIO_RECONCILER),
  rule('CR110', E, ARGO, 'each canary step sets exactly one of setWeight, pause, experiment and analysis (or another step type)', VALIDATION),
  rule('CR111', E, ARGO, 'setWeight is an integer between 0 and 100', VALIDATION),
  rule('CR112', E, ARGO, 'a pause duration parses and is not negative', VALIDATION),
  rule('CR113', E, ARGO, 'setHeaderRoute and setMirrorRoute steps need trafficRouting.managedRoutes', VALIDATION),
  rule('CR114', E, ARGO, 'a setHeaderRoute or setMirrorRoute step names a route listed in managedRoutes', VALIDATION),
  rule('CR115', E, ARGO, 'a header or mirror match sets exactly one of exact, regex and prefix', VALIDATION),
  rule('CR116', E, ARGO, 'the primary route is not listed in managedRoutes', ISTIO_RECONCILER),
  rule('CR117', E, ARGO, 'maxTrafficWeight is not used with Istio', VALIDATION),
  rule('CR118', E, ARGO, 'scaleDownDelaySeconds and dynamicStableScale are not both set', VALIDATION),
  rule('CR119', E, ARGO, 'maxSurge and maxUnavailable are not both zero', VALIDATION),
  rule('CR120', E, ARGO, 'progressDeadlineSeconds is greater than minReadySeconds', VALIDATION),
  rule('CR121', E, ARGO, 'the Rollout selector is set and matches the pod template labels', VALIDATION),
  rule('CR122', E, ARGO, 'every referenced AnalysisTemplate is in the manifest set, in the Rollout\'s namespace', ANALYSIS),
  rule('CR123', W, ARGO, 'a referenced ClusterAnalysisTemplate is not in the manifest set', ANALYSIS),
  rule('CR124', E, ARGO, 'metric names are unique across the templates of one analysis', ANALYSIS),
  rule('CR125', E, ARGO, 'every template argument without a value is supplied by the Rollout', 'argo-rollouts: utils/analysis/helpers.go, utils/template/template.go'),
  rule('CR126', E, ARGO, 'an argument given a value by several templates has the same value in each', ANALYSIS),
  rule('CR127', E, ARGO, 'metrics of step (inline) analyses terminate: no interval without count', 'argo-rollouts: rollout/controller.go, utils/analysis/helpers.go'),
  rule('CR128', E, ARGO, 'every dryRun and measurementRetention metricName pattern matches a metric', ANALYSIS),
  rule('CR129', E, ARGO, 'every {{args.name}} placeholder in a metric names a declared argument', 'argo-rollouts: utils/template/template.go'),
  rule('CR130', E, ARGO, 'setCanaryScale, setHeaderRoute, setMirrorRoute and experiment weights have traffic routing that supports them', VALIDATION),
  rule('CR131', E, ARGO, 'AnalysisTemplate metrics have settings the analysis controller accepts', 'argo-rollouts: utils/analysis/factory.go, analysis/analysis.go'),
  rule('CR132', E, ARGO, 'a DestinationRule that a Rollout manages has no subset other than its stable and canary subsets', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (UpdateHash)'),
  rule('CR140', E, ARGO, 'a web metric\'s jsonPath parses as Kubernetes JSONPath and is one action that selects a value', `${WEB}; kubernetes client-go: util/jsonpath/parser.go`),
  rule('CR141', E, ARGO, 'a web metric sends a body only with POST or PUT, and not both body and jsonBody', WEB),
  rule('CR142', E, ARGO, 'a Datadog metric sets query or queries (several with a formula) as the provider accepts them', DATADOG),
  rule('CR143', W, ARGO, 'a Datadog metric uses API v2', DATADOG),
  rule('CR150', E, ARGO, 'a subscription annotation names one trigger and one service, and recipients for a service that needs them', `notifications-engine v0.5.0: pkg/subscriptions/annotations.go; ${NOTIFY_RECORD}`),
  rule('CR151', E, ARGO, 'every service, trigger and template of a notifications ConfigMap is one the controller can read', NOTIFY_CONFIG),
  rule('CR152', E, ARGO, 'every template a trigger sends is defined in the same notifications ConfigMap', 'notifications-engine v0.5.0: pkg/templates/service.go (FormatNotification)'),
  rule('CR153', W, ARGO, 'a subscribed trigger and service are defined together in a notifications ConfigMap the controller reads for the Rollout', `${NOTIFY_RECORD}; notifications-engine v0.5.0: pkg/api/factory.go`),
  rule('CR154', E, ARGO, 'subscription annotations are on the Rollout, not on its pod metadata', NOTIFY_RECORD),
  rule('CR160', E, ARGO, 'a Rollout with workloadRef has no pod template of its own', `${VALIDATION}, ${TEMPLATE_REF}`),
  rule('CR161', E, ARGO, 'workloadRef names a kind the controller takes a pod template from (apps/v1 Deployment or ReplicaSet, v1 PodTemplate)', TEMPLATE_REF),
  rule('CR162', W, ARGO, 'the workload named by workloadRef is not in the manifest set', TEMPLATE_REF),
  rule('CR163', E, ARGO, 'the Rollout selector matches the pod template labels of the workload it references', `${VALIDATION}, ${TEMPLATE_REF}`),
  rule('CR164', E, ARGO, 'workloadRef.scaleDown is never, onsuccess or progressively', 'argo-rollouts: rollout/replicaset.go, rollout/sync.go'),
  rule('CR165', E, ARGO, 'workloadRef.scaleDown onsuccess or progressively is used with a Deployment only', 'argo-rollouts: rollout/scale_utils.go'),

  // --- CR2xx: Istio webhook and istioctl analyze
  rule('CR201', E, ISTIO, 'a destination subset is defined in the DestinationRule for its host (IST0101)', 'istio: pkg/config/analysis/analyzers/virtualservice/destinationrules.go'),
  rule('CR202', W, ISTIO, 'no DestinationRule for a destination host with a subset is in the manifest set', 'istio: pkg/config/analysis/analyzers/virtualservice/destinationrules.go'),
  rule('CR203', E, ISTIO, 'DestinationRule subset names are unique DNS-1123 labels', ISTIO_VALIDATION),
  rule('CR204', E, ISTIO, 'a VirtualService gateway reference is mesh, namespace/name or name', ISTIO_VS_VALIDATION),
  rule('CR205', E, ISTIO, 'a gateway-bound VirtualService has a host served by the Gateway (IST0132)', 'istio: pkg/config/analysis/analyzers/virtualservice/gateways.go'),
  rule('CR206', W, ISTIO, 'a referenced Gateway is not in the manifest set', 'istio: pkg/config/analysis/analyzers/virtualservice/gateways.go'),
  rule('CR207', E, ISTIO, 'no two mesh-bound VirtualServices define the same host (IST0109)', 'istio: pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go'),
  rule('CR208', E, ISTIO, 'a mesh-bound VirtualService does not use the host `*`', ISTIO_VS_VALIDATION),
  rule('CR209', E, ISTIO, 'a destination to a multi-port Service names the port (IST0112)', 'istio: pkg/config/analysis/analyzers/virtualservice/destinationhosts.go'),
  rule('CR210', E, ISTIO, 'a destination port is a port of the Service (IST0101 host:port)', 'istio: pkg/config/analysis/analyzers/virtualservice/destinationhosts.go'),
  rule('CR211', E, ISTIO, 'a trafficPolicy (DestinationRule or subset) is not empty', ISTIO_VALIDATION),
  rule('CR212', E, ISTIO, 'a connectionPool sets http or tcp', ISTIO_VALIDATION),
  rule('CR213', W, ISTIO, 'Service port names follow Istio\'s protocol convention or set appProtocol (IST0118)', 'istio: pkg/config/analysis/analyzers/service/portname.go'),
  rule('CR214', E, ISTIO, 'HTTP route weights are not negative and, with several destinations, total more than 0', ISTIO_VS_VALIDATION),
  rule('CR215', E, ISTIO, 'an HTTP route has exactly one of route, redirect, directResponse (or delegate)', ISTIO_VS_VALIDATION),
  rule('CR216', E, ISTIO, 'Gateway server port names are set and unique', ISTIO_VALIDATION),
  rule('CR217', E, ISTIO, 'an HTTPS or TLS Gateway server has a tls block', ISTIO_VALIDATION),
  rule('CR218', E, ISTIO, 'a plain-HTTP Gateway server has no TLS settings other than httpsRedirect', ISTIO_VALIDATION),
  rule('CR219', E, ISTIO, 'a mesh HTTP route goes to a Service port Istio treats as HTTP', 'istio: pkg/config/kube/conversion.go, pilot/pkg/networking/core/route/route.go'),
  rule('CR220', E, ISTIO, 'a subset\'s labels do not contradict the selector of its host\'s Service', 'istio: pilot/pkg/xds/endpoints/endpoint_builder.go'),
  rule('CR221', W, ISTIO, 'a workload of the manifest set runs pods of each subset', 'istio: pilot/pkg/xds/endpoints/endpoint_builder.go'),
  rule('CR222', E, ISTIO, 'the DestinationRules of one host in one namespace define each subset once', 'istio: pilot/pkg/model/destination_rule.go (mergeDestinationRule)'),
  rule('CR223', W, ISTIO, 'the DestinationRules of one host in one namespace merge: one top-level trafficPolicy, the same exportTo', 'istio: pilot/pkg/model/push_context.go, destination_rule.go'),
  rule('CR224', W, ISTIO, 'a VirtualService bound to the mesh only names no external host', 'istio: networking/v1alpha3/virtual_service.proto (hosts; gateways: "mesh" is every sidecar)'),
  rule('CR230', E, ISTIO, 'HTTP route durations are at least 1ms, in whole milliseconds', `${ISTIO_VALIDATION} (agent.ValidateDuration), the CRD's duration rule`),
  rule('CR231', E, ISTIO, 'an HTTP retry policy has attempts of 0 or more, other settings only with attempts above 0, and known retryOn conditions', ISTIO_VALIDATION),
  rule('CR232', W, ISTIO, 'a retry perTryTimeout is shorter than the route timeout', `${ISTIO_VALIDATION} (accepted), envoy: router filter (the route timeout includes all retries)`),
  rule('CR233', E, ISTIO, 'an HTTP rewrite sets uri or uriRegexRewrite (not both) or authority, and the authority once', `${ISTIO_VALIDATION}, ${ISTIO_VS_VALIDATION}`),
  rule('CR234', E, ISTIO, 'HTTP match conditions have valid header names and one non-empty, valid string match each', `${ISTIO_VS_VALIDATION}, ${ISTIO_VALIDATION}`),
  rule('CR235', E, ISTIO, 'HTTP header operations name headers the proxy may change and have valid values', `${ISTIO_VS_VALIDATION}, istio: pkg/config/validation/header_value_validator.go`),
  rule('CR236', E, ISTIO, 'a CORS policy has valid origins, methods and header names, and a maxAge in whole seconds', ISTIO_VALIDATION),
  rule('CR237', E, ISTIO, 'a fault injection has a delay or an abort, a supported status and percentages Istio accepts', `${ISTIO_VALIDATION}, ${ISTIO_VS_VALIDATION}`),
  rule('CR238', W, ISTIO, 'the header route Argo Rollouts adds carries the policy of the weighted route', `${ISTIO_RECONCILER} (createHeaderRoute); argo-rollouts#3155, #3879`),
  rule('CR239', W, ISTIO, 'the mirror route Argo Rollouts adds carries the policy and the match of the weighted route', `${ISTIO_RECONCILER} (createMirrorRoute); argo-rollouts#3155, #3953`),

  // --- CR3xx: invariants of this library
  rule('CR301', E, LIB, 'setWeight never decreases from one step to the next', 'cdk8s-canary'),
  rule('CR302', W, LIB, 'the steps end at 100% traffic', 'cdk8s-canary'),
  rule('CR303', E, LIB, 'no label that changes per release in a Service selector, Rollout selector or DestinationRule subset', 'cdk8s-canary'),
  rule('CR304', W, LIB, 'every weight increase is watched by analysis or a manual pause before the next one', 'cdk8s-canary'),
  rule('CR305', E, LIB, 'every container that serves a Service port has a readinessProbe', 'cdk8s-canary'),
  rule('CR306', E, LIB, 'container images are pinned by a tag other than latest, or by a digest', 'cdk8s-canary'),
  rule('CR307', E, LIB, 'the revision label matches the final pod template and the revision passed to the analysis', 'cdk8s-canary'),
  rule('CR308', E, LIB, 'an object (API group, kind, namespace, name) is defined once per cluster', 'kubernetes: object identity; argo-cd: resource tracking'),
  rule('CR309', W, LIB, 'no analysis success condition counts a query without data as a success', 'argo-rollouts: metricproviders/prometheus/prometheus.go (processResponse), utils/evaluate/evaluate.go'),
  rule('CR315', E, LIB, 'no credential is written inline in a notifications ConfigMap: secrets are `$key` references', 'cdk8s-canary; notifications-engine v0.5.0: pkg/api/config.go (replaceServiceConfigSecrets)'),
  rule('CR316', E, LIB, 'the notifications Secret is not in the manifests with its values', 'cdk8s-canary'),
  rule('CR317', E, LIB, 'rollbackWindow.revisions is at most revisionHistoryLimit', 'cdk8s-canary; argo-rollouts: rollout/sync.go (isRollbackWithinWindow, reconcileRevisionHistoryLimit)'),
  rule('CR318', E, LIB, 'a web metric calls a host outside the cluster over https', WEB),
  rule('CR319', E, LIB, 'header values that look like credentials come from Secrets, not from the manifest', 'argo-rollouts: utils/analysis/factory.go (ResolveMetricArgs)'),
  rule('CR320', E, LIB, 'a web or Datadog metric has conditions, and no data is never a success', 'argo-rollouts: utils/evaluate/evaluate.go'),
  rule('CR321', E, LIB, 'a Job metric with an interval has a count', JOB),
  rule('CR322', W, LIB, 'a Job metric\'s Job has an activeDeadlineSeconds no longer than the metric\'s interval', JOB),
  rule('CR323', E, LIB, 'canary test traffic goes through a header route in force on a mesh VirtualService, from a pod with a sidecar', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (SetHeaderRoute)'),

  rule('CR325', E, LIB, 'a content-hashed ConfigMap is referenced by its hashed name, never by its base name', 'cdk8s-canary'),
  rule('CR326', E, LIB, 'the pods of a canary read no Secret whose values are in the manifests', 'cdk8s-canary'),
  rule('CR327', E, LIB, 'the Deployment a Rollout takes its pod template from does not select its pods by a label that changes per release', 'cdk8s-canary'),
  rule('CR328', E, LIB, 'while a Deployment is migrated, the stable and canary subsets select its pods', 'cdk8s-canary, argo-rollouts: rollout/trafficrouting/istio/istio.go'),
  rule('CR335', W, LIB, 'a referenced AnalysisTemplate is not in the linted files (cannot check)', ANALYSIS),
  // --- CR4xx: Argo CD (sync options and ignoreDifferences of the Applications that deliver canaries)
  rule('CR401', W, ARGOCD, 'RespectIgnoreDifferences is not turned on for Istio objects', `${ARGOCD_SYNC}, argo-cd#17694, #23283`),
  rule('CR402', E, ARGOCD, 'no managedFieldsManagers on VirtualServices and DestinationRules', 'argo-cd: util/argo/managedfields/managed_fields.go, argo-rollouts#3854'),
  rule('CR403', E, ARGOCD, 'an ignore rule does not hide a whole route list, route, destination, subset list or subset that git holds', ARGOCD_NORMALIZER),
  rule('CR404', W, ARGOCD, 'jq ignore rules iterate with `[]?`, not `[]`', `${ARGOCD_NORMALIZER} (a failing expression is skipped)`),
  rule('CR405', W, ARGOCD, 'an ignore rule that selects http routes by name names a route of git or a managed route of a Rollout', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (SetHeaderRoute, SetMirrorRoute)'),
  rule('CR406', E, ARGOCD, 'a VirtualService whose Rollout sets managedRoutes has at most one unnamed http route', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (orderRoutes)'),
  rule('CR407', W, ARGOCD, 'ignore rules do not point at VirtualService routes by position', 'argo-rollouts: rollout/trafficrouting/istio/istio.go (orderRoutes), argo-rollouts#2463'),
  rule('CR408', E, ARGOCD, 'an Application that ignores fields of Istio objects syncs with ApplyOutOfSyncOnly=true', 'gitops-engine: pkg/sync/sync_context.go'),
];

const BY_CODE = new Map(CATALOG.map(r => [r.code, r]));

/** The catalog entry of a code; throws for an unknown code (a bug in a rule). */
export function ruleInfo(code: string): RuleInfo {
  const info = BY_CODE.get(code);
  if (!info) throw new Error(`internal error: rule code ${code} is not in the catalog`);
  return info;
}
