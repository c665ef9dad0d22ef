import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_LIST_BYTES, parseXlList, parseXlListLong, stateOfFlags } from "./parse-list";

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, "fixtures", f), "utf8");

describe("stateOfFlags", () => {
  it("maps xl's six flags onto the shared guest states", () => {
    expect(stateOfFlags("r-----")).toBe("running");
    expect(stateOfFlags("-b----")).toBe("running");
    expect(stateOfFlags("------")).toBe("running");
    expect(stateOfFlags("--p---")).toBe("paused");
    expect(stateOfFlags("---s--")).toBe("shut-off");
    expect(stateOfFlags("-----d")).toBe("shut-off");
    expect(stateOfFlags("----c-")).toBe("crashed");
    expect(stateOfFlags("x-----")).toBe("unknown");
    expect(stateOfFlags("r----")).toBe("unknown");
  });
});

describe("parseXlList (six columns)", () => {
  it("never lists Domain-0 as a guest (fixtures/xl-list-dom0.txt)", () => {
    expect(parseXlList(fixture("xl-list-dom0.txt"))).toEqual({ domains: [], problems: [] });
  });

  it("reads a running and a paused PV domU (fixtures/xl-list-running.txt, xl-pause-list.txt)", () => {
    const running = parseXlList(fixture("xl-list-running.txt"));
    expect(running.problems).toEqual([]);
    expect(running.domains).toEqual([expect.objectContaining({ name: "tiny1", nameOk: true, memoryMiB: 128, vcpus: 1, state: "running" })]);
    expect(parseXlList(fixture("xl-pause-list.txt")).domains).toEqual([expect.objectContaining({ name: "tiny1", state: "paused" })]);
  });

  it("reports lines that are not rows and refuses what is not the table", () => {
    const header = fixture("xl-list-dom0.txt").split("\n")[0];
    expect(parseXlList(`${header}\nevil 1 2\nodd-Name 3 128 1 -b---- 1.0\n`)).toEqual({
      domains: [expect.objectContaining({ name: "odd-Name", nameOk: false })],
      problems: ["line 2: not a domain row"],
    });
    expect(parseXlList(fixture("xm-info.txt")).problems).toEqual(["line 1: not the header of xl list"]);
    expect(parseXlList("x".repeat(MAX_LIST_BYTES + 1)).problems).toEqual([`the list is over ${MAX_LIST_BYTES} bytes`]);
  });
});

describe("parseXlListLong (JSON)", () => {
  it("drops Domain-0 (fixtures/xl-list-l-dom0.json)", () => {
    expect(parseXlListLong(fixture("xl-list-l-dom0.json"))).toEqual({ domains: [], problems: [] });
  });

  it("reads the domU's config (fixtures/xl-list-l-running.json)", () => {
    expect(parseXlListLong(fixture("xl-list-l-running.json"))).toEqual({
      domains: [
        expect.objectContaining({ name: "tiny1", nameOk: true, type: "pv", maxMemKiB: 131072, kernel: "/var/lib/labdeck/tiny/vmlinuz" }),
      ],
      problems: [],
    });
  });

  it("treats hostile JSON as problems, never as domains", () => {
    expect(parseXlListLong("{").problems).toEqual(["not JSON"]);
    expect(parseXlListLong("{}").problems).toEqual(["not a JSON array"]);
    expect(parseXlListLong('[{"domid": -1, "config": {"c_info": {"name": "x"}}}]').problems).toEqual(["entry 0: no domid or name"]);
    const long = parseXlListLong(
      `[{"domid": 5, "config": {"c_info": {"name": "a", "type": "weird"}, "b_info": {"kernel": "${"/".repeat(300)}"}}}]`,
    );
    expect(long.domains).toEqual([expect.objectContaining({ name: "a", type: null, kernel: null })]);
  });
});
