import { describe, expect, it } from "vitest";
import { auditOutcome, readOutcome } from "./audit-writer";

// An optional read that finds nothing is an answer ("absent"), never "failed"; and a
// read row is only as good as its worst command, with absent counting as fine.

describe("auditOutcome", () => {
  it("calls a non-zero exit of an optional command absent, and of any other command failed", () => {
    expect(auditOutcome({ outcome: "exited", exitStatus: 1 }, { optional: true })).toBe("absent");
    expect(auditOutcome({ outcome: "exited", exitStatus: 1 })).toBe("failed");
    expect(auditOutcome({ outcome: "exited", exitStatus: 0 }, { optional: true })).toBe("ok");
  });

  it("never turns a timeout or a lost connection into absent: then absent would be a guess", () => {
    expect(auditOutcome({ outcome: "timeout", exitStatus: null }, { optional: true })).toBe("failed");
    expect(auditOutcome({ outcome: "connection-lost", exitStatus: null }, { optional: true })).toBe("unknown");
  });
});

describe("readOutcome", () => {
  it("is ok with absent commands, failed with a failed one or an error, unknown with a lost one", () => {
    expect(readOutcome([{ outcome: "ok" }, { outcome: "absent" }])).toBe("ok");
    expect(readOutcome([{ outcome: "ok" }, { outcome: "unknown" }])).toBe("unknown");
    expect(readOutcome([{ outcome: "unknown" }, { outcome: "failed" }])).toBe("failed");
    expect(readOutcome([{ outcome: "ok" }], "parse error")).toBe("failed");
  });
});
