// The code and YAML shown in docs/*.md are regenerated from the programs in examples/docs/
// (scripts/render-docs.ts). This test fails when a page no longer shows what its program synthesizes.
import * as fs from 'fs';
import * as path from 'path';
import { markedDocs, renderDoc, synthesize } from '../scripts/render-docs';
import { validateManifests } from './support/schema';

const docs = markedDocs();

test('docs pages with examples exist', () => {
  expect(docs.map(d => path.basename(d)).sort()).toEqual(expect.arrayContaining([
    'additional-subsets.md', 'argo-rollout.md', 'autoscaling.md', 'canary-service.md', 'experiments.md', 'header-routing.md',
    'istio-subsets.md', 'mirroring.md', 'multiple-virtual-services.md', 'tls-tcp-routes.md',
  ]));
});

describe.each(docs.map(d => [path.basename(d), d]))('%s', (_name, file) => {
  test('shows the current code and the YAML it synthesizes (run `npx projen docs:render` to update)', () => {
    expect(renderDoc(file)).toEqual(fs.readFileSync(file, 'utf-8'));
  });
});

test('every docs example synthesizes schema-valid objects', () => {
  const programs = fs.readdirSync(path.join(__dirname, '..', 'examples', 'docs')).filter(f => f.endsWith('.ts'));
  expect(programs.length).toBeGreaterThanOrEqual(10);
  for (const p of programs) {
    const objects = synthesize(`examples/docs/${p}`);
    expect(objects.length).toBeGreaterThan(0);
    validateManifests(objects);
  }
});
