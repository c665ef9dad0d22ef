// Adds up the JSON reports of Vitest and Playwright into one closing line:
// "tests: N passed, N failed, N skipped". Exits 1 when a report is missing or anything failed.
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
let passed = 0,
  failed = 0,
  skipped = 0,
  missing = [];

function read(name) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    missing.push(name);
    return null;
  }
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

for (const name of ["unit.json", "integration.json"]) {
  const r = read(name);
  if (!r) continue;
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  // A file whose setup failed fails no test of its own: count it, so the line never says 0 failed.
  failed += (r.testResults ?? []).filter(
    (f) => f.status === "failed" && (f.assertionResults ?? []).every((a) => a.status !== "failed"),
  ).length;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
const e2e = read("e2e.json");
if (e2e) {
  passed += e2e.stats?.expected ?? 0;
  failed += (e2e.stats?.unexpected ?? 0) + (e2e.stats?.flaky ?? 0);
  skipped += e2e.stats?.skipped ?? 0;
}
if (missing.length) console.log(`missing reports: ${missing.join(", ")}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
