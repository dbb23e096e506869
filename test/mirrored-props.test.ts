// Public props that jsii makes the library write out field by field (a jsii interface cannot extend or alias an
// internal type), pinned to the internal shape they mirror. The check is the type checker's: if a field is added to,
// removed from or retyped on one side only, `npx projen typecheck` (part of the build) fails on the line below, and
// this test is where to look.
import { MetricMeasurementOptions } from '../src/analysis-metric';
import { IgnoreDifference } from '../src/argocd-application';
import { IgnoreEntry } from '../src/private/argocd/ignore-entry';
import { MeasurementInput } from '../src/private/metric-providers/measurement';

/** `true` when A and B have the same keys and each is assignable to the other; `false` otherwise. */
type SameShape<A, B> = [keyof A, keyof B] extends [keyof B, keyof A]
  ? ([Required<A>, Required<B>] extends [Required<B>, Required<A>] ? true : false)
  : false;

const IGNORE_ENTRY: SameShape<IgnoreDifference, IgnoreEntry> = true;
const MEASUREMENT: SameShape<MetricMeasurementOptions, MeasurementInput> = true;

describe('public props mirrored from internal shapes', () => {
  test('the pins hold (a mismatch fails the type check of this file)', () => {
    expect([IGNORE_ENTRY, MEASUREMENT]).toEqual([true, true]);
  });

  test('SameShape tells a mismatch (so the pins above can fail)', () => {
    const extraField: SameShape<{ a?: string; b?: string }, { a?: string }> = false;
    const otherType: SameShape<{ a?: string }, { a?: number }> = false;
    const same: SameShape<{ a?: string }, { readonly a?: string }> = true;
    expect([extraField, otherType, same]).toEqual([false, false, true]);
  });
});
