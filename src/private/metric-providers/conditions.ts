// The condition model shared by every metric provider: a typed condition (a threshold, an expected value, or raw
// expressions) rendered into Argo Rollouts' `successCondition` / `failureCondition` for the shape of the provider's
// `result`. Every typed condition sets both conditions and treats "no data" as neither, so no data is inconclusive
// (the Rollout pauses), never a success. Not exported from the package.

/**
 * What `result` is when the conditions are evaluated (utils/evaluate/evaluate.go gets it from the provider):
 * - `vector`: a Prometheus instant vector, a list of numbers (empty when no series; NaN for 0/0);
 * - `json`: the value a web metric's JSONPath selects (a number, string, bool, list or map; nil for JSON null);
 * - `scalar`: one number, or nil when the query has no data (Datadog);
 * - `none`: the provider ignores conditions (a Job metric succeeds when its Job completes).
 */
export type ResultShape = 'vector' | 'json' | 'scalar' | 'none';

/** A typed condition, as `MetricCondition` holds it. */
export type ConditionSpec =
  | { readonly kind: 'threshold'; readonly ok: string; readonly bad: string; readonly value: string; readonly allSeries: boolean; readonly inconclusiveBelow: boolean }
  | { readonly kind: 'equals'; readonly literal: string }
  | { readonly kind: 'expressions'; readonly successCondition?: string; readonly failureCondition?: string };

/** The rendered conditions of a metric. */
export interface RenderedConditions {
  readonly successCondition?: string;
  readonly failureCondition?: string;
}

const GUARD_VECTOR = 'len(result) > 0 && !isNaN(result[0])';
/** Argo's isNil() looks at the measurement's result: true for no data (nil), whatever its argument. */
const GUARD_NIL = '!isNil(result)';

/** The conditions of `spec` for a result of shape `shape`; throws when the condition does not apply to that shape. */
export function renderConditions(spec: ConditionSpec, shape: ResultShape, provider: string): RenderedConditions {
  if (shape === 'none') {
    throw new Error(`a ${provider} metric takes no condition: Argo Rollouts ignores successCondition and failureCondition for it`);
  }
  if (spec.kind === 'expressions') return { successCondition: spec.successCondition, failureCondition: spec.failureCondition };
  if (spec.kind === 'equals') {
    if (shape !== 'json') {
      throw new Error(`MetricCondition.equalTo() applies to web metrics, whose result can be a string or a bool; a ${provider} metric's result is a number: `
        + 'use MetricCondition.atLeast() or atMost()');
    }
    return { successCondition: `${GUARD_NIL} && result == ${spec.literal}`, failureCondition: `${GUARD_NIL} && result != ${spec.literal}` };
  }
  if (shape === 'vector') return vectorThreshold(spec);
  if (spec.allSeries) {
    throw new Error(`ResultSeries.ALL applies to Prometheus queries that return several series; a ${provider} metric's result is one value: `
      + 'omit \'series\'');
  }
  const success = `${GUARD_NIL} && result ${spec.ok} ${spec.value}`;
  return { successCondition: success, failureCondition: spec.inconclusiveBelow ? 'false' : `${GUARD_NIL} && result ${spec.bad} ${spec.value}` };
}

/** A threshold over a Prometheus instant vector: empty and NaN results are neither successful nor failed. */
function vectorThreshold(spec: Extract<ConditionSpec, { kind: 'threshold' }>): RenderedConditions {
  const { ok, bad, value } = spec;
  let success: string;
  let failure: string;
  if (spec.allSeries) {
    success = `len(result) > 0 && all(result, {!isNaN(#) && # ${ok} ${value}})`;
    failure = `any(result, {!isNaN(#) && # ${bad} ${value}})`;
  } else {
    success = `${GUARD_VECTOR} && result[0] ${ok} ${value}`;
    failure = `${GUARD_VECTOR} && result[0] ${bad} ${value}`;
  }
  return { successCondition: success, failureCondition: spec.inconclusiveBelow ? 'false' : failure };
}
