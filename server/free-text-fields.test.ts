import { describe, expect, it } from "vitest";
import { LabdeckError } from "./errors";
import { ZGuestDefinition } from "./hypervisors/qemu/guest-definition";
import { labNatNetwork } from "./network/fixtures/lab-nat-network";
import { parseRule } from "./network/iptables-rule";
import { ZNetOp, type TNetOp } from "./network/ops";
import { quoted } from "./network/persist/config-words";
import { persistencePlanSteps } from "./network/persist/persistence-steps";
import { renderRulesV4 } from "./network/persist/render-rules-v4";
import { buildNetworkPlan } from "./network/plan/build-plan";
import { HARMLESS, HOSTILE } from "./safe-text-cases";
import { ZStorageOp } from "./storage/ops";

// Every free-text field that lands on a host, at the API edge (zod, the issue on the
// field's own path) and again in the builder (LabdeckError naming the field). The old
// patterns refused only NUL and LF: each hostile row below with CR, VT, NEL, U+2028...
// passed them.

const rule = (extra: Record<string, unknown>, target: Record<string, unknown> = { kind: "ACCEPT" }) => ({
  op: "rule.append",
  table: "filter",
  chain: "INPUT",
  rule: { protocol: "tcp", ...extra, target },
});

const EDGE_FIELDS: readonly {
  name: string;
  parse: (v: string) => { success: boolean; error?: { issues: { path: PropertyKey[] }[] } };
  path: string;
}[] = [
  { name: "rule comment", parse: (v) => ZNetOp.safeParse(rule({ comment: v })), path: "rule.comment" },
  { name: "LOG prefix", parse: (v) => ZNetOp.safeParse(rule({}, { kind: "LOG", prefix: v.slice(0, 29) })), path: "rule.target.prefix" },
  {
    name: "rule.delete text",
    parse: (v) =>
      ZNetOp.safeParse({ op: "rule.delete", table: "filter", chain: "INPUT", text: `-A INPUT -m comment --comment "${v}" -j ACCEPT` }),
    path: "text",
  },
  {
    name: "rule.replace expect",
    parse: (v) => ZNetOp.safeParse({ ...rule({}), op: "rule.replace", position: 1, expect: `-A INPUT ${v}` }),
    path: "expect",
  },
  {
    name: "storage size",
    parse: (v) => ZStorageOp.safeParse({ op: "lv.grow", vg: "vg0", lv: "web", size: `1${v}G`.slice(0, 32) }),
    path: "size",
  },
  {
    name: "shrink confirm",
    parse: (v) => ZStorageOp.safeParse({ op: "lv.shrink", vg: "vg0", lv: "web", size: "1G", confirm: `vg0/web${v}` }),
    path: "confirm",
  },
  {
    name: "kernel append",
    parse: (v) => ZGuestDefinition.safeParse({ name: "g1", boot: { kind: "kernel", kernel: "/srv/k", append: `console=ttyS0 ${v}` } }),
    path: "boot.append",
  },
];

describe("free text at the API edge", () => {
  for (const field of EDGE_FIELDS) {
    it.each(HOSTILE)(`${field.name}: refuses %s on its own path`, (_kind, value) => {
      const r = field.parse(value);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.path.join("."))).toContain(field.path);
    });
  }

  it.each(HARMLESS)("rule comment and append take %s", (value) => {
    expect(ZNetOp.safeParse(rule({ comment: value })).success).toBe(true);
    expect(ZGuestDefinition.safeParse({ name: "g1", boot: { kind: "kernel", kernel: "/srv/k", append: value } }).success).toBe(true);
  });
});

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof LabdeckError) return e.field;
    throw e;
  }
  return "(no error)";
}

describe("free text again in the builders", () => {
  it.each(HOSTILE)("the network planner refuses an op with %s that skipped the edge", (_kind, value) => {
    const ops = [rule({ comment: value })] as unknown as TNetOp[];
    expect(fieldOf(() => buildNetworkPlan(labNatNetwork(), ops, { workDir: "/var/lib/labdeck/network/x" }))).toBe("ops.0.rule.comment");
    const log = [rule({}, { kind: "LOG", prefix: value })] as unknown as TNetOp[];
    expect(fieldOf(() => buildNetworkPlan(labNatNetwork(), log, { workDir: "/var/lib/labdeck/network/x" }))).toBe(
      "ops.0.rule.target.prefix",
    );
  });

  it.each(HOSTILE.filter(([k]) => k !== "LF" && k !== "TAB"))("persistence refuses a file whose content holds %s", (_kind, value) => {
    const file = {
      path: "/etc/iptables/rules.v4",
      content: `*filter\n-A INPUT -m comment --comment "${value}" -j ACCEPT\nCOMMIT\n`,
      purpose: "rules",
      mode: "0640",
    };
    expect(fieldOf(() => persistencePlanSteps([file], { root: "/" }))).toBe("files.0.content");
    expect(fieldOf(() => persistencePlanSteps([{ ...file, content: "ok\n", purpose: `rules ${value}` }], { root: "/" }))).toBe(
      "files.0.purpose",
    );
  });

  it("rules.v4 refuses a host rule whose comment holds a CR instead of writing or dropping it", () => {
    const net = labNatNetwork();
    const input = net.iptables!.tables.find((t) => t.name === "filter")!.chains.find((c) => c.name === "INPUT")!;
    input.rules.push({ ...parseRule('-A INPUT -m comment --comment "a\rb" -j ACCEPT'), position: input.rules.length + 1 });
    expect(() => renderRulesV4(net.iptables!)).toThrow(/^rulesV4: rule \d+ of filter\/INPUT on the host holds U\+000D carriage return/);
  });

  it("comment lines in interfaces.d quote what JSON leaves raw", () => {
    for (const [, value] of HOSTILE) expect(quoted(value)).toMatch(/^"[\x20-\x7e]*"$/);
  });
});
