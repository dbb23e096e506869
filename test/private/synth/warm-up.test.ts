import { Chart } from 'cdk8s';
import { CanaryApp } from '../../../src/canary-app';
import { CanaryService } from '../../../src/canary-service';

function fleet(app: CanaryApp, count: number, from = 0): void {
  for (let i = from; i < from + count; i++) {
    new CanaryService(new Chart(app, `svc-${i}`, { namespace: 'shop' }), `svc-${i}`, { image: 'registry.example/shop:1.0.0' });
  }
}

describe('warm-up', () => {
  test('the 100th service of a process renders a sample app once, which leaves no trace in the user\'s app', () => {
    const renders = jest.spyOn(CanaryApp.prototype, 'renderFiles');
    const app = new CanaryApp({ plans: false });
    fleet(app, 99);
    expect(renders).not.toHaveBeenCalled();
    fleet(app, 1, 99);
    expect(renders).toHaveBeenCalledTimes(1); // the sample app, while the 100th service is built
    expect((renders.mock.contexts[0] as CanaryApp).plans).toBe(false); // as the user's app
    fleet(app, 100, 100);
    expect(renders).toHaveBeenCalledTimes(1);
    renders.mockRestore();

    const files = app.renderFiles();
    expect(Object.keys(files)).toHaveLength(200);
    const alone = new CanaryApp({ plans: false });
    fleet(alone, 1, 150);
    expect(alone.renderFiles()['svc-150.k8s.yaml']).toEqual(files['svc-150.k8s.yaml']);
  });
});
