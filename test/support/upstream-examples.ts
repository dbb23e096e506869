// Upstream Argo Rollouts example manifests that some tests compare the library with. They are not part of the
// repository (upstream files are not copied into the project): UPSTREAM_EXAMPLES_DIR names a folder that holds
// them, e.g. the `examples/` folder of an argoproj/argo-rollouts checkout at tag v1.9.1 (istio-subset-split.yaml may
// sit in its `istio/` subfolder, as upstream has it). Without it those tests are skipped with a notice; with it,
// each file must be the pinned upstream version (sha256 below), so that a different version cannot pass silently.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The upstream files, by name: sha256 at github.com/argoproj/argo-rollouts, tag v1.9.1, folder examples/. */
const PINNED: { readonly [file: string]: string } = {
  'analysis-templates.yaml': 'bb5e6ad00b48323265ed89d8d81d83ca7605b5e26278b3a9411ac25fd002d16d',
  'istio-subset-split.yaml': 'c2a4fe10fd1b235e8dd79b5da6d72be8058ff6faad1d49c8541b31156f653f87',
  'rollout-analysis-step.yaml': '8517fac88fb82730493b4884b3242370f49b4e0b186e512be8bb494e3708771f',
  'rollout-background-analysis.yaml': 'cda755c1541fdf3a30b94424f12c32debfa2a5a36dfb3deec4a70c8fb07e9669',
};

/** The folder named by UPSTREAM_EXAMPLES_DIR, or undefined (the caller skips its tests and says so). */
export const UPSTREAM_EXAMPLES_DIR: string | undefined = process.env.UPSTREAM_EXAMPLES_DIR || undefined;

/** The text of one pinned upstream example; throws when it is missing or not the pinned version. */
export function upstreamExample(file: string): string {
  if (!UPSTREAM_EXAMPLES_DIR) throw new Error('UPSTREAM_EXAMPLES_DIR is not set');
  const pinned = PINNED[file];
  if (!pinned) throw new Error(`${file} is not a pinned upstream example (${Object.keys(PINNED).join(', ')})`);
  const full = [path.join(UPSTREAM_EXAMPLES_DIR, file), path.join(UPSTREAM_EXAMPLES_DIR, 'istio', file)].find(f => fs.existsSync(f));
  if (!full) throw new Error(`${file} not found in UPSTREAM_EXAMPLES_DIR=${UPSTREAM_EXAMPLES_DIR}`);
  const text = fs.readFileSync(full, 'utf-8');
  const sha256 = crypto.createHash('sha256').update(text).digest('hex');
  if (sha256 !== pinned) throw new Error(`${full}: sha256 ${sha256}, not the pinned argo-rollouts v1.9.1 file (${pinned})`);
  return text;
}
