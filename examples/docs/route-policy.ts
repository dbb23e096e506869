import { Chart, Duration } from 'cdk8s';
import { CanaryApp, CanaryService, IstioGateway, StringMatch } from '../../src';

const app = new CanaryApp();
const chart = new Chart(app, 'shop', { namespace: 'shop' });

const gateway = new IstioGateway(chart, 'public', { hosts: ['api.example.com'], tls: { credentialName: 'api-example-com-tls' } });

new CanaryService(chart, 'shop-api', {
  image: 'ghcr.io/acme/shop-api:3.2.0',
  gateway,
  routePolicy: {
    // a request may take 10s in all: a first try and up to 2 retries of at most 3s each, retried only when the
    // request never reached a pod (safe for POSTs too)
    timeout: Duration.seconds(10),
    retries: { attempts: 2, perTryTimeout: Duration.seconds(3), retryOn: ['connect-failure', 'refused-stream', 'reset-before-request'] },
    // the API lives under /v1/ for clients, at / in the service
    match: [{ uri: StringMatch.prefix('/v1/') }],
    rewrite: { uri: '/' },
    // the web shop on another origin may call it from browsers
    corsPolicy: {
      allowOrigins: [StringMatch.exact('https://shop.example.com')],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['authorization', 'content-type'],
      maxAge: Duration.hours(1),
    },
    headers: { response: { set: { 'cache-control': 'no-store' } } },
  },
});

app.synth();
