#!/usr/bin/env bash
# Starts the production server: one plain Node process running the compiled server
# (build/server/main.mjs, made by `node scripts/build-server.mjs`) and the Next.js build.
# `exec`, so no shell or npm stays around it. The V8 settings are why idle RSS stays low;
# docs/performance.md ("Memory") says what each buys and costs. None of them hides a leak.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/server/main.mjs ] || [ ! -f .next/BUILD_ID ]; then
  echo "no production build: run \`npm run build\` (next build and scripts/build-server.mjs) first" >&2
  exit 1
fi
export NODE_ENV=production
exec node --max-semi-space-size=4 build/server/main.mjs
