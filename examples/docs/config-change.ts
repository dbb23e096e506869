import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryApp, CanaryService, VersionedConfigMap } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

const shop = new CanaryService(chart, 'shop', { image: 'ghcr.io/acme/shop:1.4.2' });

// The settings are named by a hash of their content: changing them changes the pod template, so the change is a
// canary release. The previous version stays in the output for the pods that still read it.
const settings = new VersionedConfigMap(chart, 'settings', {
  name: 'shop-settings',
  data: { LOG_LEVEL: 'info', CHECKOUT_TIMEOUT: '5s' },
  previousVersions: [{ data: { LOG_LEVEL: 'info', CHECKOUT_TIMEOUT: '3s' } }],
});
shop.container.env.copyFrom(kplus.Env.fromConfigMap(settings));

// A Secret that external-secrets writes: only its name and version are in the manifests. Raise the version with each
// rotation, and the pods that read the new password start as a canary.
const db = shop.rollout.referenceSecret('shop-db', { version: '2026-11-02' });
shop.container.env.addVariable('DB_PASSWORD', kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }));

app.synth();
