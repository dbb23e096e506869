import { cdk8s, javascript, TextFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-canary',
  description: 'Typed cdk8s constructs for canary releases on Kubernetes with Argo Rollouts and Istio, delivered by Argo CD',
  author: 'cdk8s-canary developers',
  authorAddress: 'dev@cdk8s-canary.local',
  repositoryUrl: 'https://example.invalid/cdk8s-canary.git',
  keywords: ['cdk8s', 'argo-rollouts', 'istio', 'canary', 'argo-cd', 'gitops'],
  defaultReleaseBranch: 'main',
  github: false,
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // Lowest cdk8s v2 / constructs pair that satisfies cdk8s-plus-28@2.5.6 (TOOLCHAIN.md).
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  // Node 20 is the oldest release this machine kind and CI run; `engines` and .nvmrc say so (README "Node.js").
  minNodeVersion: '20.0.0',
  // commit-and-tag-version 13 (projen's default for the release `bump` task) and its conventional-changelog
  // dependencies require Node >= 22: on Node 20 `npm ci` printed an EBADENGINE warning for each of them. 12.x
  // requires Node >= 18.
  bumpPackage: 'commit-and-tag-version@^12',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Runtime dependencies that are not jsii modules: bundled into the package. yaml reads the YAML values of
  // notifications ConfigMaps in the rules (the same parser cdk8s bundles) and the manifests in `cdk8s-canary lint`.
  bundledDeps: ['@prometheus-io/lezer-promql@^0.315.0', '@lezer/lr@^1.4.2', '@lezer/highlight@^1.2.1', '@lezer/common@^1.2.3', 'yaml@^2.5.0'],
  // The command of the package (docs/lint.md): a shim that loads the compiled src/cli/main.ts.
  bin: { 'cdk8s-canary': 'bin/cdk8s-canary' },
  devDeps: [
    '@types/node@^20',
    'cdk8s-cli@^2.200.0',
    // Test oracles: upstream JSON schemas, independent of our generated bindings. Majors that run on Node 20.
    '@kubernetes-models/argo-rollouts@^0.3.2',
    '@kubernetes-models/istio@^2.3.0',
    '@kubernetes-models/argo-cd@^2.7.2',
    'kubernetes-models@^4.5.1',
    'ajv@^8.17.1',
    'ajv-formats@^2.1.1',
    // The SARIF 2.1.0 schema the lint command's report is validated against (the package of this platform holds it).
    '@microsoft/sarif-multitool@^5.7.0',
  ],
  gitignore: ['/dist/', '/build/', '/.tmp/', '/artifacts/', '/bench/results/*.tmp'],
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'scripts'],
    ignorePatterns: ['imports/', 'lib/', 'build/', 'dist/', 'node_modules/', '*.d.ts', '*.js'],
    // Lints only the files whose content changed since the last run (14 s -> 2.4 s for a re-run on this machine
    // kind). The type-aware rules (no-floating-promises, return-await) can depend on other files, which the cache
    // does not see: CI lints from a clean clone, without a cache.
    commandOptions: { extraArgs: ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '--cache-strategy', 'content'] },
  },
  tsconfig: {
    compilerOptions: {
      rootDir: '.',
    },
    include: ['src/**/*.ts', 'imports/**/*.ts'],
  },
  // Transpile-only in jest (test/tsconfig.json has isolatedModules, which ts-jest reads): jsii type-checks the
  // library, `npx projen typecheck` the examples, scripts and tests.
  jestOptions: {
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // compiles the schema validators once per run (test/support/schema-cache.ts)
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      // One worker per core. jest's default (cores - 1) runs every suite in one process on a 2-core machine; two
      // workers overlap the long Argo CD scenario suite with the rest (docs/benchmarks.md, "The development loop").
      maxWorkers: '100%',
      testTimeout: 120_000,
      collectCoverage: false,
    },
  },
  docgen: true,
  // dist/ holds the synthesized manifests of the example app (the main job); packages go elsewhere.
  artifactsDirectory: 'artifacts',
});

// The package holds what users need and nothing else (README "The package"): an allow-list after projen's defaults.
const npmignore = project.npmignore!;
npmignore.exclude('/*', '/.*');
npmignore.include('/lib/', '/lib/**/*.js', '/lib/**/*.d.ts', '/bin/', '/docs/', '/API.md', '/README.md', '/LICENSE', '.jsii');
// The generated bindings are used for their types only: the library never loads their JavaScript (test/private/gvk.test.ts
// fails if it does), while their declarations are referenced by the library's.
npmignore.exclude('/lib/imports/*.js');
// jsii-pacmak (`package:js`) appends its output folder to .npmignore unless the file names it exactly; without this
// line every build rewrote the committed file.
npmignore.exclude('artifacts');
// The contributors' guide to the code is read in the repository; the package's docs/ are the user guides.
npmignore.exclude('/docs/ARCHITECTURE.md');

// Every task gets node_modules/.bin on its PATH. projen's default evaluates `npx -c "node --print process.env.PATH"`
// for every task and subtask (about 1 s each on this machine kind); this asks node alone.
project.tasks.addEnvironment('PATH', '$(node --print "require(\'path\').resolve(\'node_modules/.bin\') + require(\'path\').delimiter + process.env.PATH")');

new TextFile(project, '.nvmrc', { lines: ['20'] });

// The layers of src/ (docs/ARCHITECTURE.md): the two engines over plain manifests (rules/, plan/), the domain
// modules they share (private/*.ts) and the Argo CD sync model (private/argocd/) import nothing from the construct
// files, the construct helpers (private/constructs/) or the synth plumbing (private/synth/). The public files export
// no free functions (they would leak into the TypeScript declarations of the package entry point; helpers live in
// private/).
const CONSTRUCT_LAYER = ['./src/*.ts', './src/private/constructs/**', './src/private/synth/**'];
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      {
        target: './src/rules',
        from: [...CONSTRUCT_LAYER, './src/plan/**'],
        message: 'rules/ reads plain manifests: it may import only rules/ and the domain modules of private/',
      },
      {
        target: './src/plan',
        from: [...CONSTRUCT_LAYER, './src/rules/**'],
        message: 'plan/ reads plain manifests: it may import only plan/ and the domain modules of private/',
      },
      {
        target: './src/private/*.ts',
        from: [...CONSTRUCT_LAYER, './src/rules/**', './src/plan/**'],
        message: 'a domain module of private/ is shared by constructs, rules and plan: it may import only other domain modules',
      },
      {
        target: './src/private/argocd',
        from: [...CONSTRUCT_LAYER, './src/rules/**', './src/plan/**'],
        message: 'the Argo CD sync model reads plain JSON (docs/argocd-sync-model.md): it may import only itself and the domain modules of private/',
      },
      {
        target: './src/private/metric-providers',
        from: [...CONSTRUCT_LAYER, './src/rules/**', './src/plan/**'],
        message: 'the metric providers check plain manifests for the rules and the plan too: they may import only themselves and the domain modules of private/',
      },
    ],
  }],
});
project.eslint?.addOverride({
  files: ['src/*.ts', 'src/rules/canary-rules.ts', 'src/rules/finding.ts', 'src/plan/rollout-plan.ts'],
  rules: {
    'no-restricted-syntax': ['error', {
      selector: 'Program > ExportNamedDeclaration > FunctionDeclaration',
      message: 'a public file exports no free function: it would be importable from the package entry point; put helpers in src/private/',
    }],
  },
});

// jsii emits lib/src/index.js because the root dir holds both src/ and imports/.
project.package.addField('main', 'lib/src/index.js');
project.package.addField('types', 'lib/src/index.d.ts');

// Regenerate the CRD bindings from the pinned upstream CRDs (offline). The CRDs are not part of the repository:
// CRD_DIR names a folder holding them, and scripts/pinned-crds.json their upstream URLs, tags and sha256.
project.addTask('import', {
  description: 'Regenerate imports/ from the pinned CRDs in $CRD_DIR (see scripts/pinned-crds.json), then check the strict test schemas against them',
  steps: [
    { exec: 'node scripts/import-crds.js' },
    { exec: 'node scripts/run-ts.js scripts/check-binding-schemas.ts' },
  ],
});

// The example app is run from its TypeScript sources without type checking (scripts/run-ts.js: each file is
// transpiled once per content and cached), so that a synth takes about a second; `typecheck` (part of `build`)
// checks the examples and scripts against the library sources.
const runExample = 'node scripts/run-ts.js examples/shop/main.ts';
project.addTask('synth', {
  description: 'Synthesize the example app into dist/ (transpiled, not type-checked: `npx projen typecheck` checks it)',
  exec: runExample,
});

// The example's committed output: what a GitOps repository would hold (checked in CI by scripts/check-manifests.sh).
project.addTask('manifests', {
  description: 'Synthesize the example app into examples/shop/manifests/ (its committed GitOps output)',
  exec: runExample,
  env: { CDK8S_OUTDIR: 'examples/shop/manifests' },
});
project.addTask('manifests:check', {
  description: 'Fail when examples/shop/manifests/ differs from a fresh synth of the example app',
  exec: `scripts/check-manifests.sh '${runExample}' examples/shop/manifests`,
});

// Type checking of everything jsii does not compile: the example apps and the scripts (incremental, into build/), and
// the tests (jest only transpiles them: test/tsconfig.json has isolatedModules).
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the examples, scripts and tests (jsii type-checks the library)',
  steps: [
    { exec: 'tsc -b tsconfig.examples.json' },
    { exec: 'tsc -p test/tsconfig.json --incremental --tsBuildInfoFile build/.tsbuildinfo-test' },
  ],
});
project.postCompileTask.spawn(typecheck);

// The tests without the real-Prometheus suites, for a quicker loop; `npx projen test` runs all of them.
project.addTask('test:unit', {
  description: 'Run the jest suites except the real-Prometheus ones (*.prometheus.test.ts)',
  exec: 'jest --testPathIgnorePatterns "\\.prometheus\\.test\\.ts$"',
  receiveArgs: true,
});
project.addTask('test:prometheus', {
  description: 'Run the real-Prometheus suites (*.prometheus.test.ts; need prometheus and promtool)',
  exec: 'jest --testPathPatterns "\\.prometheus\\.test\\.ts$"',
  receiveArgs: true,
});

// The package as a user gets it: pack, install into a fresh cdk8s app, synthesize, check (CI runs it).
project.addTask('package:smoke', {
  description: 'Pack the library, install it into a fresh cdk8s TypeScript app in a temporary folder, synthesize and check',
  exec: 'scripts/consumer-smoke.sh',
});

// The synth benchmark (docs/benchmarks.md): 10 to 2,000 services as whole processes, library against a plain cdk8s App and the floor.
project.addTask('bench', {
  description: 'Run the synth benchmark (docs/benchmarks.md): whole processes; writes bench/results/latest.json',
  steps: [
    { exec: 'tsc -b bench/tsconfig.json tsconfig.examples.json' },
    { exec: 'node build/bench/run.js --reps 7 --json bench/results/latest.json' },
  ],
});

// Docs: the code and YAML shown in docs/*.md come from the programs in examples/docs/.
project.addTask('docs:render', {
  description: 'Regenerate the code and YAML blocks of docs/*.md from examples/docs/',
  exec: 'node scripts/run-ts.js scripts/render-docs.ts',
});

project.synth();
