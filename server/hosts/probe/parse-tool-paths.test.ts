import { describe, expect, it } from "vitest";
import { parseToolPaths } from "./parse-tool-paths";
import { fixture } from "./test-fixtures";

describe("parseToolPaths", () => {
  const { tools, qemuSystem } = parseToolPaths(fixture("debian12-pvm/tools.stdout"));

  it("keeps the first directory's copy (/usr/sbin over /sbin, /usr/bin over /usr/libexec)", () => {
    expect(tools).toEqual({
      "iptables-nft": "/usr/sbin/iptables-nft",
      brctl: "/usr/sbin/brctl",
      lvm: "/usr/sbin/lvm",
      ip: "/usr/sbin/ip",
      iptables: "/usr/sbin/iptables",
      bridge: "/usr/sbin/bridge",
      "iptables-legacy": "/usr/sbin/iptables-legacy",
      xl: "/usr/sbin/xl",
      "qemu-img": "/usr/bin/qemu-img",
      "linux.uml": "/usr/bin/linux.uml",
      uml_mconsole: "/usr/bin/uml_mconsole",
    });
    expect(qemuSystem.get("qemu-system-i386")).toBe("/usr/bin/qemu-system-i386");
  });

  it("lists every qemu-system binary once", () => {
    expect([...qemuSystem.keys()].sort()).toEqual(["qemu-system-i386", "qemu-system-x86_64", "qemu-system-x86_64-microvm"]);
  });

  it("finds nothing in find's error output", () => {
    const none = parseToolPaths("find: '/usr/local/sbin': No such file or directory\n");
    expect(none.tools).toEqual({});
    expect(none.qemuSystem.size).toBe(0);
  });
});
