// The condition evaluator of the library (src/private/expr.ts) for the tests: one definition of Argo Rollouts' expr
// subset and outcome rules. A condition outside the subset throws, so a test fails if the library starts emitting more.
export { evalCondition, Outcome, outcome, parseExpr } from '../../src/private/expr';
export type { ExprValue as Value } from '../../src/private/expr';
