import { describe, expect, it } from "vitest";
import { allHostsGraph } from "./all-hosts-graph";
import { lab } from "./test-lab-view";

describe("multi-host canvas", () => {
  const hosts = [
    { hostId: "h1", hostName: "lab-a", view: lab(), notice: null },
    { hostId: "h2", hostName: "lab-b", view: { ...lab(), hostId: "h2" }, notice: null },
    { hostId: "h3", hostName: "cold", view: null, notice: { tone: "info" as const, text: "host key not confirmed" } },
  ];

  it("one group per host, parents before children, ids kept apart by host", () => {
    const g = allHostsGraph(hosts, {});
    const groups = g.nodes.filter((n) => n.type === "host").map((n) => n.id);
    expect(groups).toEqual(["host:h1", "host:h2", "host:h3"]);
    for (const n of g.nodes) {
      if (n.parentId) expect(g.nodes.findIndex((p) => p.id === n.parentId)).toBeLessThan(g.nodes.indexOf(n));
    }
    expect(g.nodes.filter((n) => n.id.endsWith("/link:eth0")).map((n) => n.parentId)).toEqual(["host:h1", "host:h2"]);
    expect(g.edges.some((e) => e.source.startsWith("h1/") && e.target.startsWith("h2/"))).toBe(false);
  });

  it("children sit inside their group; groups do not overlap", () => {
    const g = allHostsGraph(hosts, {});
    const kids = g.nodes.filter((n) => n.parentId === "host:h1");
    expect(Math.min(...kids.map((n) => n.position.x))).toBeGreaterThanOrEqual(0);
    expect(Math.min(...kids.map((n) => n.position.y))).toBeGreaterThan(0);
    const [a, b] = g.nodes.filter((n) => n.type === "host");
    expect((b?.position.x ?? 0) > (a?.position.x ?? 0) + Number(a?.style?.width ?? 0)).toBe(true);
  });

  it("uses saved positions (groups absolute, children relative)", () => {
    const g = allHostsGraph(hosts, { "host:h2": { x: 5, y: 500 }, "h2/link:br0": { x: 40, y: 60 } });
    expect(g.nodes.find((n) => n.id === "host:h2")?.position).toEqual({ x: 5, y: 500 });
    expect(g.nodes.find((n) => n.id === "h2/link:br0")?.position).toEqual({ x: 40, y: 60 });
  });
});
