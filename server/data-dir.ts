import fs from "node:fs";
import { LabdeckError } from "./errors";

// The data directory holds the SQLite database (password and session hashes, sealed host
// keys, the audit log) and secret.key. It is created 0700. One that already exists with
// any group or other access is refused at start, not tightened: it was readable (or
// writable) before this start, so whoever relies on that access must hear of it, and
// the admin may need to rotate what was exposed. `chmod 700 DIR` is the fix, printed in
// the message. Do not break: nothing may open the database before this check.

export function dataDirProblem(dir: string): string | null {
  const st = fs.statSync(dir);
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to the uid Labdeck runs as (${uid}); chown it`;
  const loose = st.mode & 0o077;
  if (loose !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, "0");
    const what = loose & 0o022 ? "writable" : "readable";
    return `${dir} is ${what} by group or others (mode ${mode}); it holds the database and secret.key: run chmod 700 ${dir}`;
  }
  return null;
}

/** Creates the data directory 0700, or checks an existing one; throws with the fix in the message. */
export function prepareDataDir(dir: string): void {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; a umask can only remove bits, but say it exactly.
    fs.chmodSync(dir, 0o700);
  }
  const problem = dataDirProblem(dir);
  if (problem !== null) throw new LabdeckError("INTERNAL", `data directory refused: ${problem}`);
}
