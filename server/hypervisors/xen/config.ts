// The xl.cfg text of a Xen guest: a pure function of its definition (xl.cfg(5): quoted
// strings, numbers, lists of quoted strings). Disks use the positional "phy:PATH,VDEV,w"
// form, which both xl and the old xm read. What must not break: no value can end its
// string or its list item early. The schema already refuses such values; this checks every
// one again, naming the field, so a definition that skipped the schema still cannot write
// a second setting into the file.
import { badInput } from "../../errors";
import type { TXenDefinition } from "./definition";

/** A quote or backslash ends or escapes a string, a newline a setting, `]` a list, a comma a list item's field. */
const UNSAFE = ['"', "'", "\\", "\n", "\r", "]", "\0"] as const;

function checked(field: string, value: string, opts: { listItem?: boolean } = {}): string {
  const bad = UNSAFE.find((c) => value.includes(c)) ?? (opts.listItem === true && value.includes(",") ? "," : undefined);
  if (bad !== undefined)
    throw badInput(field, `${field} must not contain ${JSON.stringify(bad)}: it would change the meaning of the xl config`);
  return value;
}

const str = (field: string, value: string) => `${field} = "${checked(field, value)}"`;

function list(field: string, items: readonly string[]): string {
  return `${field} = [ ${items.map((i) => `"${i}"`).join(", ")} ]`;
}

/** The xl.cfg file for `def`, ending with a newline. */
export function renderXlConfig(def: TXenDefinition): string {
  const lines = [`# Written by Labdeck; edits here are replaced when the guest is saved.`, str("name", def.name), str("type", def.type)];
  if (def.kernel !== undefined) lines.push(str("kernel", def.kernel));
  if (def.ramdisk !== undefined) lines.push(str("ramdisk", def.ramdisk));
  if (def.root !== undefined) lines.push(str("root", def.root));
  if (def.extra !== undefined) lines.push(str("extra", def.extra));
  lines.push(`memory = ${def.memoryMiB}`);
  if (def.maxmemMiB !== undefined) lines.push(`maxmem = ${def.maxmemMiB}`);
  lines.push(`vcpus = ${def.vcpus}`);
  if (def.disks.length > 0) {
    const disks = def.disks.map((d, i) => {
      const at = `disks[${i}]`;
      return `${d.kind}:${checked(`${at}.path`, d.path, { listItem: true })},${checked(`${at}.vdev`, d.vdev, { listItem: true })},${d.readOnly ? "r" : "w"}`;
    });
    lines.push(list("disk", disks));
  }
  if (def.vifs.length > 0) {
    const vifs = def.vifs.map((v, i) => {
      const at = `vifs[${i}]`;
      const parts = [`bridge=${checked(`${at}.bridge`, v.bridge, { listItem: true })}`];
      if (v.mac !== undefined) parts.push(`mac=${checked(`${at}.mac`, v.mac, { listItem: true })}`);
      if (v.vifname !== undefined) parts.push(`vifname=${checked(`${at}.vifname`, v.vifname, { listItem: true })}`);
      return parts.join(",");
    });
    lines.push(list("vif", vifs));
  }
  lines.push(str("on_poweroff", def.onPoweroff), str("on_reboot", def.onReboot), str("on_crash", def.onCrash));
  return `${lines.join("\n")}\n`;
}
