// Builds and caches the tiny test guest of LAB-HOSTS.md: Debian's cloud kernel and a
// busybox-static initramfs whose /init gives an interactive shell on ttyS0 in ~2 s.
// Everything lives under ~/.cache/labdeck/tiny-guest/<package>_<version>/ and is never
// committed. What must not break: a cache entry is complete or absent (files are renamed
// into place last), and the key changes whenever the kernel package or the recipe does.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { writeCpioNewc, type CpioEntry } from "./cpio";
import { GREET_SCRIPT, INIT_SCRIPT, MODULE_ORDER, POWER_BUTTON_SCRIPT, PROFILE } from "./tiny-guest-init";

export { BANNER, GREETING } from "./tiny-guest-init";

const run = promisify(execFile);
const META_PACKAGE = "linux-image-cloud-amd64";
const BUSYBOX = "/bin/busybox";

export interface TinyGuest {
  kernel: string;
  initrd: string;
  /** "<kernel package>_<package version>", the cache key. */
  version: string;
}

export function defaultCacheRoot(): string {
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"), "labdeck");
}

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

/** The versioned kernel package the meta package depends on, read from apt's local lists. */
export async function resolveKernelPackage(): Promise<{ pkg: string; version: string }> {
  const deps = (await run("apt-cache", ["depends", META_PACKAGE])).stdout;
  // Take the whole word, then check its end: "[^\s]*-cloud-amd64" would rescan it from
  // every start, quadratic in a long word.
  const word = /Depends:\s*(linux-image-[0-9][^\s,]*)/.exec(deps)?.[1];
  const pkg = word?.endsWith("-cloud-amd64") ? word : undefined;
  if (pkg === undefined) throw new Error(`${META_PACKAGE} has no linux-image-*-cloud-amd64 dependency in apt's lists`);
  const show = (await run("apt-cache", ["show", "--no-all-versions", pkg])).stdout;
  const version = /^Version:\s*(\S+)/m.exec(show)?.[1];
  if (version === undefined) throw new Error(`apt-cache show ${pkg} printed no Version`);
  return { pkg, version };
}

function recipeHash(): string {
  return createHash("sha256")
    .update(JSON.stringify([INIT_SCRIPT, GREET_SCRIPT, POWER_BUTTON_SCRIPT, PROFILE, MODULE_ORDER]))
    .digest("hex")
    .slice(0, 12);
}

async function findDeb(cacheRoot: string, workDir: string, pkg: string, version: string): Promise<string> {
  const debName = `${pkg}_${version.replace(/:/g, "%3a")}_amd64.deb`;
  for (const dir of [path.join(cacheRoot, "debs"), path.join(cacheRoot, "kernel")]) {
    const candidate = path.join(dir, debName);
    if (await exists(candidate)) return candidate;
  }
  await mkdir(path.join(cacheRoot, "debs"), { recursive: true });
  await run("apt-get", ["download", `${pkg}=${version}`], { cwd: workDir, maxBuffer: 16 * 1024 * 1024 });
  const downloaded = (await readdir(workDir)).find((f) => f.endsWith(".deb"));
  if (downloaded === undefined) throw new Error(`apt-get download ${pkg} left no .deb`);
  const kept = path.join(cacheRoot, "debs", debName);
  await copyFile(path.join(workDir, downloaded), kept);
  return kept;
}

async function busyboxEntries(): Promise<CpioEntry[]> {
  const applets = (await run(BUSYBOX, ["--list-full"])).stdout.split("\n").filter((l) => l !== "" && l !== "bin/busybox");
  const dirs = new Set<string>();
  for (const a of applets) dirs.add(path.dirname(a));
  const entries: CpioEntry[] = [...dirs].sort().map((d) => ({ kind: "dir", path: d }));
  entries.push({ kind: "file", path: "bin/busybox", data: await readFile(BUSYBOX), mode: 0o755 });
  for (const a of applets) entries.push({ kind: "symlink", path: a, target: "/bin/busybox" });
  return entries;
}

async function buildInitramfs(modulesDir: string): Promise<Buffer> {
  const entries: CpioEntry[] = [
    { kind: "dir", path: "bin" },
    { kind: "dir", path: "usr" },
    ...(await busyboxEntries()).filter((e) => !(e.kind === "dir" && (e.path === "bin" || e.path === "usr"))),
    ...["dev", "proc", "sys", "tmp", "root", "etc", "etc/acpi", "etc/acpi/PWRF", "lib", "lib/modules"].map((d): CpioEntry => ({
      kind: "dir",
      path: d,
    })),
    // The kernel opens /dev/console before devtmpfs is mounted: it must be in the archive.
    { kind: "char", path: "dev/console", major: 5, minor: 1 },
    { kind: "char", path: "dev/null", major: 1, minor: 3, mode: 0o666 },
    { kind: "char", path: "dev/ttyS0", major: 4, minor: 64 },
    { kind: "file", path: "init", data: INIT_SCRIPT, mode: 0o755 },
    { kind: "file", path: "etc/greet", data: GREET_SCRIPT, mode: 0o755 },
    { kind: "file", path: "etc/acpi/PWRF/00000080", data: POWER_BUTTON_SCRIPT, mode: 0o755 },
    { kind: "file", path: "etc/profile", data: PROFILE },
    { kind: "file", path: "etc/passwd", data: "root:x:0:0:root:/root:/bin/sh\n" },
  ];
  const found = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const ent of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.name.endsWith(".ko")) found.set(ent.name.slice(0, -3), p);
    }
  };
  await walk(modulesDir);
  for (const m of MODULE_ORDER) {
    const file = found.get(m);
    // Some kernels build a module in; /init skips what is not there.
    if (file !== undefined) entries.push({ kind: "file", path: `lib/modules/${m}.ko`, data: await readFile(file) });
  }
  // Most-compressible-first ordering does not matter; level 6 keeps the build about 1 s.
  return gzipSync(writeCpioNewc(entries), { level: 6 });
}

/** The cached tiny guest, built first if this kernel package or recipe has no entry yet. */
export async function ensureTinyGuest(opts: { cacheRoot?: string } = {}): Promise<TinyGuest> {
  const cacheRoot = opts.cacheRoot ?? defaultCacheRoot();
  const { pkg, version } = await resolveKernelPackage();
  const key = `${pkg}_${version}`;
  const dir = path.join(cacheRoot, "tiny-guest", key);
  const kernel = path.join(dir, "vmlinuz");
  const initrd = path.join(dir, "initramfs.cpio.gz");
  const stamp = path.join(dir, "recipe");
  const recipe = recipeHash();
  if ((await exists(kernel)) && (await exists(initrd)) && (await readFile(stamp, "utf8").catch(() => "")) === recipe) {
    return { kernel, initrd, version: key };
  }
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, ".build-"));
  try {
    const deb = await findDeb(cacheRoot, work, pkg, version);
    const tree = path.join(work, "tree");
    await run("dpkg", ["-x", deb, tree]);
    const release = pkg.replace(/^linux-image-/, "");
    await copyFile(path.join(tree, "boot", `vmlinuz-${release}`), path.join(work, "vmlinuz"));
    await writeFile(path.join(work, "initramfs.cpio.gz"), await buildInitramfs(path.join(tree, "lib", "modules")));
    await rename(path.join(work, "vmlinuz"), kernel);
    await rename(path.join(work, "initramfs.cpio.gz"), initrd);
    await writeFile(stamp, recipe);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { kernel, initrd, version: key };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  ensureTinyGuest().then(
    (g) => process.stdout.write(`${JSON.stringify({ ...g, seconds: (Date.now() - started) / 1000 }, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`tiny guest: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
