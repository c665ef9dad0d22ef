import { describe, expect, it } from "vitest";
import { parseCpuinfo } from "./parse-cpuinfo";
import { fixture } from "./test-fixtures";

describe("parseCpuinfo", () => {
  it("reads a PVM host: two CPUs, no vmx/svm although /dev/kvm exists", () => {
    expect(parseCpuinfo(fixture("debian12-pvm/cpuinfo.stdout"))).toEqual({ count: 2, model: "AMD EPYC", virtFlags: [] });
  });

  it("finds svm in a TCG guest with -cpu max", () => {
    expect(parseCpuinfo(fixture("extra/cpuinfo-tcg-cpu-max.txt"))).toEqual({
      count: 2,
      model: "QEMU TCG CPU version 2.5+",
      virtFlags: ["svm"],
    });
  });

  it("reports nothing for empty output", () => {
    expect(parseCpuinfo("")).toEqual({ count: 0, model: null, virtFlags: [] });
  });
});
