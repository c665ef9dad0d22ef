import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cmdlineArgv, describeQemuProcess, parseProcCmdline, parsePsQemu } from "./process-list";

const fx = (name: string) => readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

describe("adopt: QEMU processes", () => {
  it("picks QEMU lines out of ps output", () => {
    const ps = ` 1 /sbin/init\n 812 /usr/sbin/sshd -D\n${fx("ps-eo-pid-args.txt")} 9000 grep qemu-system\n 9001 /usr/bin/qemu-kvm -m 64\n`;
    expect(parsePsQemu(ps).map((c) => c.pid)).toEqual([21926, 9001]);
  });

  it("uses the NUL-split cmdline, where ps's text would split -append wrongly", () => {
    const [c] = parsePsQemu(fx("ps-eo-pid-args.txt"));
    expect(cmdlineArgv(21926)).toEqual(["cat", "/proc/21926/cmdline"]);
    const p = describeQemuProcess(c!, fx("proc-cmdline.bin"), "/srv/ld/run");
    expect(p.argv[p.argv.indexOf("-append") + 1]).toBe("console=ttyS0 quiet panic=-1 labdeck.ip=10.0.2.15/24 labdeck.gw=10.0.2.2");
    expect(p.managed).toBe(false);
    expect(p.definition.name).toBe("tiny");
    expect(describeQemuProcess(c!, fx("proc-cmdline.bin"), "/tmp/tgt/..").managed).toBe(false);
    expect(parseProcCmdline("")).toEqual([]);
  });
});
