import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AnalysisMetric, AnalysisTemplate, CanaryApp } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

new AnalysisTemplate(chart, 'contract', {
  metadata: { name: 'shop-contract-tests' },
  metrics: [
    AnalysisMetric.job({
      name: 'contract-tests',
      container: {
        image: 'ghcr.io/acme/shop-contract-tests:3.1.0',
        args: ['--target', 'http://shop.shop.svc.cluster.local'],
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
        },
      },
      activeDeadline: Duration.minutes(4),
      backoffLimit: 0,
    }),
  ],
});

app.synth();
