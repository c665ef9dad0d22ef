// Where a Xen guest's files are on its dom0. The config Labdeck writes lives under the
// host's persistence root (`/etc/xen/labdeck/NAME.cfg` on a real host), its autostart link
// in `/etc/xen/auto/`, and what Labdeck runs beside the domain (the console capture, its
// log and its input) in the guest's run directory, like a QEMU guest's.
import { GUEST_NAME } from "../../../lib/names";
import { assertAbsPath, assertMatches, trimTrailing } from "../../names";
import { assertConfigRoot } from "../../root-checks";

export const XEN_CONFIG_DIR = "/etc/xen/labdeck";
export const XEN_AUTO_DIR = "/etc/xen/auto";

// Not yet the contract's GuestFiles: that names a console socket, and a Xen console has
// none (keystrokes go to the capture's FIFO). The contract grows an input kind when the
// console layer learns to write to a FIFO.
export interface XenGuestFiles {
  dir: string;
  pidfile: string;
  /** What the capture writes (the console history) and the FIFO it reads keystrokes from. */
  console: { log: string; input: string };
  /** The xl.cfg Labdeck renders (config.ts). */
  config: string;
  configDir: string;
  /** The symlink that makes the dom0 start the guest at boot. */
  autostartLink: string;
}

const under = (root: string, path: string) => `${trimTrailing(root, "/")}${path}`;

export function xenGuestFiles(runDir: string, guestName: string, configRoot = "/"): XenGuestFiles {
  const name = assertMatches("name", guestName, GUEST_NAME, "a guest name");
  const root = assertConfigRoot("configRoot", configRoot);
  const dir = `${trimTrailing(assertAbsPath("runDir", runDir), "/")}/guests/${name}`;
  const configDir = under(root, XEN_CONFIG_DIR);
  return {
    dir,
    // The capture's pid: a domain has no process on the dom0 that Labdeck could name.
    pidfile: `${dir}/capture.pid`,
    console: { log: `${dir}/console.log`, input: `${dir}/console.in` },
    config: `${configDir}/${name}.cfg`,
    configDir,
    autostartLink: `${under(root, XEN_AUTO_DIR)}/${name}`,
  };
}
