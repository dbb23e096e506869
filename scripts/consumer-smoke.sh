#!/usr/bin/env bash
# The package as a user gets it: packs the library, checks what the tarball holds, installs it into a fresh cdk8s
# TypeScript app in a temporary folder (its own package.json and tsconfig: strict, skipLibCheck false), compiles
# the app, synthesizes it with `node` and with `npx cdk8s synth`, and checks the output with the project's own
# checks (both synths give the same files; every object passes the schema oracles of test/support/schema.ts; the
# installed package's CanaryRules finds nothing).
#
# Needs the compiled library (lib/ and .jsii: `npx projen compile`, or a build). Uses the npm registry only (the
# app's dependencies are the versions installed here, so npm's cache usually has them).
#
# Usage: scripts/consumer-smoke.sh            (npx projen package:smoke; CI runs it after the build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ ! -f .jsii ] || [ ! -f lib/src/index.js ]; then
  echo "error: the library is not compiled (no .jsii or lib/src/index.js): run 'npx projen compile' first" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-canary-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. pack, and check that the tarball holds what users need and nothing else ------------------------------
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"
tar -tzf "$tarball" | sort > "$work/contents.txt"
allowed='^package/(package\.json|README\.md|LICENSE|API\.md|\.jsii|docs/[a-z0-9-]+\.md|lib/src/.+\.(js|d\.ts)|lib/imports/[a-z.]+\.d\.ts|bin/cdk8s-canary|node_modules/(@lezer|@prometheus-io|yaml)/.+)$'
if grep -Ev "$allowed" "$work/contents.txt" > "$work/unexpected.txt"; then
  echo "error: the package holds files users do not need:" >&2
  cat "$work/unexpected.txt" >&2
  exit 1
fi
for required in package/lib/src/index.js package/lib/src/index.d.ts package/.jsii package/API.md package/README.md \
  package/LICENSE package/docs/canary-service.md package/node_modules/@prometheus-io/lezer-promql/package.json \
  package/bin/cdk8s-canary package/node_modules/yaml/package.json; do
  if ! grep -qx "$required" "$work/contents.txt"; then
    echo "error: the package lacks $required" >&2
    exit 1
  fi
done
echo "ok: $(basename "$tarball") holds $(wc -l < "$work/contents.txt") files, all of them expected"

# --- 2. a fresh cdk8s TypeScript app that depends on the tarball ----------------------------------------------
app="$work/app"
mkdir -p "$app"
installed() { node -p "require('$root/node_modules/$1/package.json').version"; }
cat > "$app/package.json" <<EOF
{
  "name": "cdk8s-canary-consumer",
  "version": "0.0.0",
  "private": true,
  "dependencies": {
    "cdk8s-canary": "file:$tarball",
    "cdk8s": "$(installed cdk8s)",
    "cdk8s-plus-28": "$(installed cdk8s-plus-28)",
    "constructs": "$(installed constructs)"
  },
  "devDependencies": {
    "@types/node": "$(installed @types/node)",
    "cdk8s-cli": "$(installed cdk8s-cli)",
    "typescript": "$(installed typescript)"
  }
}
EOF
cat > "$app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "skipLibCheck": false,
    "target": "ES2022",
    "lib": ["es2022"],
    "module": "node16",
    "moduleResolution": "node16",
    "types": ["node"],
    "outDir": "out",
    "rootDir": "."
  },
  "include": ["main.ts"]
}
EOF
cat > "$app/main.ts" <<'EOF'
import { Chart } from 'cdk8s';
import {
  ArgoCdApplication, CanaryApp, CanaryService, NotificationSecret, NotificationService, NotificationsConfig, RolloutNotification,
} from 'cdk8s-canary';

const app = new CanaryApp();
const shop = new Chart(app, 'shop', { namespace: 'shop' });
// a notifications ConfigMap: the rules read its YAML values with the package's bundled yaml
const notifications = new NotificationsConfig(shop, 'notifications', {
  services: [NotificationService.slack({ token: NotificationSecret.key('slack-token') })],
});
new CanaryService(shop, 'shop', {
  image: 'ghcr.io/acme/shop:1.4.2',
  notifications: [RolloutNotification.onRolloutAborted(notifications.service('slack').to('#shop-releases'))],
  rollbackWindow: 3,
});
const argocd = new Chart(app, 'argocd');
new ArgoCdApplication(argocd, 'shop', {
  name: 'shop',
  sourceRepoUrl: 'https://github.com/acme/gitops.git',
  sourcePath: 'apps/shop',
  sourceTargetRevision: 'main',
  destinationServer: 'https://kubernetes.default.svc',
  charts: [shop],
});
app.synth();
EOF
cat > "$app/cdk8s.yaml" <<'EOF'
language: typescript
app: node out/main.js
EOF

cd "$app"
echo "installing the package and the app's dependencies (npm registry) ..."
npm install --no-audit --no-fund --prefer-offline --loglevel=error
echo "compiling the app (strict, skipLibCheck false) ..."
npx tsc -p tsconfig.json

# --- 3. synthesize both ways -----------------------------------------------------------------------------------
rm -rf dist cdk8s.out
node out/main.js
npx cdk8s synth --no-check-upgrade --output cdk8s.out > /dev/null
ls dist cdk8s.out
if ! diff -r dist cdk8s.out; then
  echo "error: 'node out/main.js' and 'cdk8s synth' wrote different files" >&2
  exit 1
fi
echo "ok: node and cdk8s synth wrote the same $(ls dist | wc -l) files"
# the package's command on the package's output: installed as a bin, it finds no error (docs/lint.md)
npx --no-install cdk8s-canary lint dist

# --- 4. the project's own checks on the output -----------------------------------------------------------------
cd "$root"
node scripts/run-ts.js scripts/check-synth-output.ts "$app/dist" "$app/node_modules/cdk8s-canary"
