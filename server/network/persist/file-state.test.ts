import { describe, expect, it } from "vitest";
import { labNatNetwork } from "../fixtures/lab-nat-network";
import { persistFileState } from "./file-state";
import { PERSIST_PATHS, renderPersistence } from "./render-persistence";

describe("persistence file state", () => {
  const files = renderPersistence(labNatNetwork());
  const interfaces = files.find((f) => f.path === PERSIST_PATHS.interfaces)!.content;

  it("is missing when the host has no file and current when it holds what would be written", () => {
    expect(persistFileState(null, interfaces)).toEqual({ state: "missing" });
    expect(persistFileState(interfaces, interfaces)).toEqual({ state: "current" });
    expect(
      persistFileState(
        `# an older header\n${interfaces
          .split("\n")
          .filter((l) => !l.startsWith("#"))
          .join("\n")}`,
        interfaces,
      ),
    ).toEqual({ state: "current" });
  });

  it("after a change the file was not rewritten for, says which lines a reboot would lose or bring back", () => {
    const net = labNatNetwork();
    const br0 = net.links.find((l) => l.name === "br0")!;
    br0.addresses.push({ ...br0.addresses[0]!, address: "192.168.9.1", cidr: "192.168.9.1/24" });
    const now = renderPersistence(net).find((f) => f.path === PERSIST_PATHS.interfaces)!.content;
    expect(persistFileState(interfaces, now)).toEqual({
      state: "stale",
      onlyRendered: ["    up ip addr add 192.168.9.1/24 dev br0", "    down ip addr del 192.168.9.1/24 dev br0"],
      onlyOnHost: [],
    });
    expect(persistFileState(now, interfaces)).toMatchObject({
      state: "stale",
      onlyRendered: [],
      onlyOnHost: ["    up ip addr add 192.168.9.1/24 dev br0", "    down ip addr del 192.168.9.1/24 dev br0"],
    });
  });
});
