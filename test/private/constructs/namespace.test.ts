import { Chart, Testing } from 'cdk8s';
import { resolveNamespace } from '../../../src/private/constructs/namespace';

describe('resolveNamespace', () => {
  test('explicit namespace, else the chart namespace, else "default"', () => {
    // GIVEN
    const app = Testing.app();
    const withNs = new Chart(app, 'with', { namespace: 'shop' });
    const without = new Chart(app, 'without');
    // THEN
    expect(resolveNamespace(withNs, 'other')).toEqual('other');
    expect(resolveNamespace(withNs)).toEqual('shop');
    expect(resolveNamespace(without)).toEqual('default');
  });

  test('fails if the namespace is not a DNS-1123 label', () => {
    const chart = Testing.chart();
    expect(() => resolveNamespace(chart, 'Shop')).toThrow(/'namespace' \("Shop"\) must be a DNS-1123 label \(a namespace name\)/);
  });
});
