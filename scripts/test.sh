#!/usr/bin/env bash
# Everything the tests need, then every test: types, lint (ESLint, the layer rule, Prettier), unit, integration against real
# hosts in network namespaces, and end-to-end in Chromium. Needs root (namespaces, sshd).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh || exit 1
npm install --no-audit --no-fund || exit 1
npx prisma generate >/dev/null || exit 1

out=$(mktemp -d /tmp/labdeck-test-report.XXXXXX)
status=0
step() {
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then echo "=== $name: ok ($((SECONDS - t0)) s)"; else echo "=== $name: FAILED ($((SECONDS - t0)) s)"; status=1; fi
}

step typecheck npx tsc --noEmit -p .
step lint npm run --silent lint
step unit npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$out/unit.json"
step integration npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$out/integration.json"
step build npx next build
step e2e env PLAYWRIGHT_JSON_OUTPUT_NAME="$out/e2e.json" npx playwright test --reporter=list,json

node scripts/test-summary.mjs "$out" || status=1
exit $status
