#!/usr/bin/env bash
# Install and run Labdeck on SQLite: data in ./data (or LABDECK_DATA_DIR), URL printed.
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<9)) { console.error("Labdeck needs Node.js >= 20.9 (found "+process.versions.node+")"); process.exit(1) }'
npm install --no-audit --no-fund
npx prisma generate >/dev/null
npx next build
node scripts/build-server.mjs
# 0700: Labdeck refuses a data directory that group or others can read (README, "Secrets").
(umask 077 && mkdir -p "${LABDECK_DATA_DIR:-data}")
exec bash scripts/start.sh
