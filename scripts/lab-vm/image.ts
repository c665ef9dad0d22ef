// Builds and caches the tier-2 test host of LAB-HOSTS.md: a Debian root filesystem made by
// debootstrap, written into an ext4 disk image without ever mounting it, plus the kernel
// and initrd to boot it directly and the SSH keys to reach it. Everything lives under
// ~/.cache/labdeck/lab-vm/<recipe hash>/, never in the repo. What must not break: a cache
// entry is complete or absent (built in a temp dir, renamed into place last), and nothing
// here may delete through a mount point (`rm --one-file-system`, after a mount check).
import { createHash } from "node:crypto";
import { access, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { defaultCacheRoot } from "../guest-image/tiny-guest";
import { keyFingerprint } from "../lab-host/sshd";
import { run, runOk } from "../lab-host/run";
import { acquireBuildLock } from "./build-lock";
import { machineMirror } from "./mirror";
import { BUILD_STEPS_VERSION, ENABLE_UNITS, FILES, HOSTNAME, MASK_UNITS, PACKAGES, ROOT_LABEL, ROOT_SIZE, RUN_DIR, SUITE } from "./recipe";

export interface LabVmImage {
  /** The cache entry: disk.img, vmlinuz, initrd.img, keys, manifest.json, build.log. */
  dir: string;
  key: string;
  disk: string;
  kernel: string;
  initrd: string;
  privateKeyFile: string;
  publicKeyFile: string;
  hostKeyFingerprint: string;
  kernelRelease: string;
  /** The Xen variant only: the hypervisor's multiboot ELF, unpacked from /boot/xen-*.gz. */
  xen?: string;
}

interface Manifest {
  key: string;
  suite: string;
  mirror: string;
  kernelRelease: string;
  hostKeyFingerprint: string;
  packages: readonly string[];
  builtAt: string;
  buildSeconds: number;
  /** The Xen variant only: the hypervisor file name in /boot it was unpacked from. */
  xenSource?: string;
}

/**
 * One image recipe: the LVM lab VM (recipe.ts) or its Xen dom0 variant (xen-recipe.ts).
 * The recipe's key covers everything that shapes the image, so each is cached on its own.
 */
export interface ImageRecipe {
  /** The folder under the cache root: "lab-vm" or "xen-lab-vm". */
  cacheName: string;
  key: string;
  packages: readonly string[];
  /** Which vmlinuz-<release> in /boot to boot (the names sorted); default the last. */
  pickKernel?: (vmlinuzFiles: readonly string[]) => string | undefined;
  /** Unpacks /boot/xen-*.gz into the entry as xen.elf. */
  xen?: boolean;
}

const exists = (f: string) =>
  access(f).then(
    () => true,
    () => false,
  );

export function labVmRecipeKey(): string {
  return createHash("sha256")
    .update(
      JSON.stringify({ SUITE, HOSTNAME, ROOT_LABEL, ROOT_SIZE, RUN_DIR, PACKAGES, FILES, ENABLE_UNITS, MASK_UNITS, BUILD_STEPS_VERSION }),
    )
    .digest("hex")
    .slice(0, 16);
}

export function labVmCacheDir(cacheRoot = defaultCacheRoot()): string {
  return path.join(cacheRoot, "lab-vm");
}

function imageAt(dir: string, m: Manifest): LabVmImage {
  const image: LabVmImage = {
    dir,
    key: m.key,
    disk: path.join(dir, "disk.img"),
    kernel: path.join(dir, "vmlinuz"),
    initrd: path.join(dir, "initrd.img"),
    privateKeyFile: path.join(dir, "client_ed25519"),
    publicKeyFile: path.join(dir, "client_ed25519.pub"),
    hostKeyFingerprint: m.hostKeyFingerprint,
    kernelRelease: m.kernelRelease,
  };
  if (m.xenSource !== undefined) image.xen = path.join(dir, "xen.elf");
  return image;
}

async function readCached(dir: string): Promise<LabVmImage | null> {
  const text = await readFile(path.join(dir, "manifest.json"), "utf8").catch(() => null);
  return text === null ? null : imageAt(dir, JSON.parse(text) as Manifest);
}

async function ensureDebootstrap(log: (line: string) => void): Promise<void> {
  if (await exists("/usr/sbin/debootstrap")) return;
  log("installing debootstrap with apt-get");
  const install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "debootstrap"];
  if ((await run(install)).code === 0) return;
  await runOk(["apt-get", "update", "-q"]);
  await runOk(install);
}

/** Mount points at or below dir, deepest first; /proc/self/mountinfo escapes spaces as \040. */
async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  const points = info
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return points.filter((p) => p === dir || p.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
}

/** Removes a build directory without ever following it into a mounted /proc, /dev or /sys. */
async function removeTree(dir: string): Promise<void> {
  for (const m of await mountsUnder(dir)) await run(["umount", "--lazy", m]);
  const left = await mountsUnder(dir);
  if (left.length > 0) throw new Error(`refusing to delete ${dir}: still mounted ${left.join(", ")}`);
  await runOk(["rm", "-rf", "--one-file-system", dir]);
}

async function chrootOk(tree: string, argv: readonly string[]): Promise<string> {
  return runOk(["chroot", tree, ...argv]);
}

async function configureTree(tree: string, work: string): Promise<{ hostKeyFingerprint: string }> {
  for (const [rel, content] of Object.entries(FILES)) {
    const file = path.join(tree, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  // The host key is made here, not by openssh-server's postinst, so its public half can be
  // cached beside the image and pinned by tests before the first connection.
  const sshDir = path.join(tree, "etc", "ssh");
  for (const f of await readdir(sshDir)) if (f.startsWith("ssh_host_")) await rm(path.join(sshDir, f));
  const hostKey = path.join(sshDir, "ssh_host_ed25519_key");
  await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", `root@${HOSTNAME}`, "-f", hostKey]);
  await copyFile(`${hostKey}.pub`, path.join(work, "host_ed25519_key.pub"));
  const clientKey = path.join(work, "client_ed25519");
  await runOk(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "labdeck-lab-vm-client", "-f", clientKey]);
  const rootSsh = path.join(tree, "root", ".ssh");
  await mkdir(rootSsh, { recursive: true });
  await chmod(rootSsh, 0o700);
  await copyFile(`${clientKey}.pub`, path.join(rootSsh, "authorized_keys"));
  await chmod(path.join(rootSsh, "authorized_keys"), 0o600);
  await mkdir(path.join(tree, RUN_DIR.slice(1)), { recursive: true });
  // systemctl edits only symlinks when systemd is not running, so it works in a chroot.
  await chrootOk(tree, ["systemctl", "enable", ...ENABLE_UNITS]);
  await chrootOk(tree, ["systemctl", "mask", ...MASK_UNITS]);
  // No network inside (restrict=on): downloaded packages and lists are dead weight.
  await chrootOk(tree, ["apt-get", "clean"]);
  const lists = path.join(tree, "var", "lib", "apt", "lists");
  for (const f of await readdir(lists, { withFileTypes: true })) {
    if (f.isFile() && f.name !== "lock") await rm(path.join(lists, f.name));
  }
  return { hostKeyFingerprint: await keyFingerprint(path.join(work, "host_ed25519_key.pub")) };
}

/** The kernel package's postinst built the initrd in the chroot (virtio_blk is a module). */
async function copyKernel(tree: string, work: string, pick: ImageRecipe["pickKernel"]): Promise<string> {
  const boot = await readdir(path.join(tree, "boot"));
  const kernels = boot.filter((f) => f.startsWith("vmlinuz-")).sort();
  const vmlinuz = pick === undefined ? kernels.at(-1) : pick(kernels);
  if (vmlinuz === undefined) throw new Error("debootstrap installed no kernel into /boot");
  const release = vmlinuz.slice("vmlinuz-".length);
  if (!boot.includes(`initrd.img-${release}`)) throw new Error(`no initrd.img-${release} in /boot`);
  await copyFile(path.join(tree, "boot", vmlinuz), path.join(work, "vmlinuz"));
  await copyFile(path.join(tree, "boot", `initrd.img-${release}`), path.join(work, "initrd.img"));
  return release;
}

/** QEMU's -kernel takes the ELF32 multiboot image, not the gzip Debian ships (LAB-HOSTS.md). */
async function unpackXen(tree: string, work: string): Promise<string> {
  const found = (await readdir(path.join(tree, "boot"))).filter((f) => /^xen-\d+\.\d+-amd64\.gz$/.test(f)).sort();
  const source = found.at(-1);
  if (source === undefined) throw new Error("xen-system-amd64 installed no /boot/xen-<version>-amd64.gz");
  await writeFile(path.join(work, "xen.elf"), gunzipSync(await readFile(path.join(tree, "boot", source))));
  return source;
}

async function build(recipe: ImageRecipe, work: string, log: (line: string) => void): Promise<Manifest> {
  const { key, packages } = recipe;
  const started = Date.now();
  const tree = path.join(work, "root");
  const buildLog: string[] = [];
  const step = async (argv: readonly string[]) => {
    const r = await run(argv);
    buildLog.push(`$ ${argv.join(" ")}`, r.stdout, r.stderr);
    await writeFile(path.join(work, "build.log"), buildLog.join("\n"));
    if (r.code !== 0) throw new Error(`${argv[0]} failed (exit ${r.code ?? r.signal}); see ${path.join(work, "build.log")}`);
  };
  await ensureDebootstrap(log);
  const mirror = await machineMirror(SUITE);
  log(`debootstrap ${SUITE} from ${mirror} (about a minute or two)`);
  // Downloaded .debs are kept apart from image entries, so a recipe change re-downloads
  // only what changed; debootstrap checks them against the mirror's signed index anyway.
  const debs = path.join(path.dirname(work), "debs");
  await mkdir(debs, { recursive: true });
  await step(["debootstrap", "--variant=minbase", `--cache-dir=${debs}`, `--include=${packages.join(",")}`, SUITE, tree, mirror]);
  log("configuring the root tree");
  const { hostKeyFingerprint } = await configureTree(tree, work);
  const kernelRelease = await copyKernel(tree, work, recipe.pickKernel);
  const xenSource = recipe.xen === true ? await unpackXen(tree, work) : undefined;
  const stray = await mountsUnder(tree);
  if (stray.length > 0) throw new Error(`debootstrap left mounts under ${tree}: ${stray.join(", ")}`);
  log(`writing the ext4 image (${ROOT_SIZE})`);
  await step(["mkfs.ext4", "-F", "-q", "-L", ROOT_LABEL, "-d", tree, path.join(work, "disk.img"), ROOT_SIZE]);
  await removeTree(tree);
  const manifest: Manifest = {
    key,
    suite: SUITE,
    mirror,
    kernelRelease,
    hostKeyFingerprint,
    packages,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 100) / 10,
    ...(xenSource === undefined ? {} : { xenSource }),
  };
  await writeFile(path.join(work, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Other branches of the same checkout build other recipes side by side: a recent image may be theirs. */
const KEEP_OTHER_IMAGES_MS = 3 * 24 * 3600 * 1000;

/** Entries of other recipes, unless a running QEMU still boots from one (its kernel path) or it was built lately. */
async function pruneOtherImages(cacheDir: string, keep: string, log: (line: string) => void): Promise<void> {
  const cmdlines: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (/^\d+$/.test(pid)) cmdlines.push(await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""));
  }
  for (const name of await readdir(cacheDir)) {
    if (name === keep || !/^[0-9a-f]{16}$/.test(name)) continue;
    const dir = path.join(cacheDir, name);
    if (cmdlines.some((c) => c.includes(`${dir}/`))) continue;
    const built = await stat(dir)
      .then((st) => st.mtimeMs)
      .catch(() => 0);
    if (Date.now() - built < KEEP_OTHER_IMAGES_MS) continue;
    log(`removing the image of an older recipe: ${dir}`);
    await removeTree(dir);
  }
}

/**
 * The cached lab VM image, built first when this recipe has none (a few minutes, as root,
 * with network access to the machine's Debian mirror). Safe to call from several processes.
 */
export async function ensureLabVmImage(opts: { cacheRoot?: string; log?: (line: string) => void } = {}): Promise<LabVmImage> {
  return ensureImage({ cacheName: "lab-vm", key: labVmRecipeKey(), packages: PACKAGES }, opts);
}

/** The cached image of any recipe, built under a lock when missing (see ensureLabVmImage). */
export async function ensureImage(
  recipe: ImageRecipe,
  opts: { cacheRoot?: string; log?: (line: string) => void } = {},
): Promise<LabVmImage> {
  const log = opts.log ?? (() => undefined);
  const key = recipe.key;
  const cacheDir = path.join(opts.cacheRoot ?? defaultCacheRoot(), recipe.cacheName);
  const dir = path.join(cacheDir, key);
  const cached = await readCached(dir);
  if (cached !== null) return cached;
  await mkdir(cacheDir, { recursive: true });
  const release = await acquireBuildLock(path.join(cacheDir, `${key}.lock`), {
    onWait: (pid) => log(`waiting for pid ${pid}, which is building the same image`),
  });
  try {
    const builtMeanwhile = await readCached(dir);
    if (builtMeanwhile !== null) return builtMeanwhile;
    const work = await mkdtemp(path.join(cacheDir, `.build-${key}-`));
    try {
      const manifest = await build(recipe, work, log);
      try {
        await rename(work, dir);
      } catch (e) {
        // Only a build that raced past a taken-over lock gets here: use the winner's entry.
        const winner = await readCached(dir);
        if (winner === null) throw e;
        return winner;
      }
      log(`image ready in ${manifest.buildSeconds} s: ${dir}`);
      await pruneOtherImages(cacheDir, key, log);
      return imageAt(dir, manifest);
    } catch (e) {
      // Keep the log of a failed build beside the cache, not inside the deleted temp dir.
      await copyFile(path.join(work, "build.log"), path.join(cacheDir, `failed-${key}.log`)).catch(() => undefined);
      throw e;
    } finally {
      if (await exists(work)) await removeTree(work);
    }
  } finally {
    await release();
  }
}
