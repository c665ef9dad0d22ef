import { describe, expect, it } from "vitest";
import { findChain } from "../parse-iptables-save";
import { checkSshPath, SSH_PATH_UNKNOWN } from "./ssh-path";
import { addChain, copy, insertRule, labNetwork, withIptables } from "./test-fixtures";

const before = labNetwork();
const ssh = before.ssh!;

function refused(after: ReturnType<typeof labNetwork>, from = before): string[] {
  const v = checkSshPath(from, after);
  expect(v.ok).toBe(false);
  expect(v.reasons.length).toBeGreaterThan(0);
  return v.reasons;
}

function accepted(after: ReturnType<typeof labNetwork>, from = before): void {
  expect(checkSshPath(from, after)).toEqual({ ok: true, reasons: [] });
}

describe("checkSshPath: what a lab change may do", () => {
  it("the capture knows its session: eth0, port 22", () => {
    expect(ssh).toMatchObject({ interface: "eth0", serverPort: 22, clientAddress: "10.203.0.5", serverAddress: "10.203.0.6" });
    accepted(copy(before));
  });

  it("a DROP on FORWARD is fine", () => {
    accepted(insertRule(copy(before), "filter", "-A FORWARD -p tcp -m tcp --dport 22 -j DROP", 1));
  });

  it("a DROP on INPUT for another port is fine", () => {
    accepted(insertRule(copy(before), "filter", "-A INPUT -i eth0 -p tcp -m tcp --dport 8080 -j DROP", 1));
  });

  it("a DROP on INPUT for udp/22 or for another interface is fine", () => {
    accepted(insertRule(copy(before), "filter", "-A INPUT -p udp -m udp --dport 22 -j DROP", 1));
    accepted(insertRule(copy(before), "filter", "-A INPUT -i br0 -p tcp -m tcp --dport 22 -j DROP", 1));
  });

  it("refuses -i eth0 -p tcp --dport 22 -j DROP ahead of the accepts, naming the rule once", () => {
    const reasons = refused(insertRule(copy(before), "filter", "-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j DROP", 1));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('"-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j DROP"');
    expect(reasons[0]).toContain("filter INPUT");
    expect(reasons[0]).toContain("10.203.0.6:22 on eth0");
  });

  it("does not blame a DROP placed after the rules that accept the session", () => {
    accepted(insertRule(copy(before), "filter", "-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j DROP"));
  });

  it("refuses a REJECT of the replies in OUTPUT", () => {
    const [reason] = refused(
      insertRule(copy(before), "filter", "-A OUTPUT -o eth0 -p tcp -m tcp --sport 22 -j REJECT --reject-with tcp-reset", 1),
    );
    expect(reason).toContain("would reject the replies of Labdeck's SSH session");
    expect(reason).toContain("out of eth0");
  });

  it("refuses policy DROP on INPUT when only ESTABLISHED is accepted: new connections are lost", () => {
    const open = withIptables(copy(before), "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n");
    const closed = withIptables(
      copy(before),
      "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" +
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\nCOMMIT\n",
    );
    const reasons = refused(closed, open);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("The DROP policy of filter INPUT would drop new SSH connections from Labdeck");
    expect(reasons[0]).toContain("locked out");
  });

  it("accepts policy DROP on INPUT when port 22 is accepted first", () => {
    const after = copy(before);
    findChain(after.iptables!, "filter", "INPUT")!.policy = "DROP";
    accepted(after);
  });

  it("follows jumps into user chains and back", () => {
    const dropping = addChain(copy(before), "filter", "GUARD");
    insertRule(dropping, "filter", "-A GUARD -p tcp -m tcp --dport 22 -j DROP");
    insertRule(dropping, "filter", "-A INPUT -j GUARD", 1);
    expect(refused(dropping)[0]).toContain('"-A GUARD -p tcp -m tcp --dport 22 -j DROP" in filter GUARD');

    const returning = addChain(copy(before), "filter", "GUARD");
    insertRule(returning, "filter", "-A GUARD -s 10.203.0.4/30 -j RETURN");
    insertRule(returning, "filter", "-A GUARD -p tcp -m tcp --dport 22 -j DROP");
    insertRule(returning, "filter", "-A INPUT -j GUARD", 1);
    accepted(returning);
  });

  it("refuses a DROP whose match it cannot evaluate, and only when the change brings it", () => {
    const line = "-A INPUT -p tcp -m set --match-set blocked src -j DROP";
    const after = insertRule(copy(before), "filter", line, 1);
    const [reason] = refused(after);
    expect(reason).toContain("could not be proven harmless");
    expect(reason).toContain("-m set --match-set blocked src");
    // Already there before: the session lives with it, so an unrelated change is not refused.
    const next = insertRule(copy(after), "filter", "-A FORWARD -j ACCEPT");
    accepted(next, after);
  });

  it("refuses a DNAT that catches the SSH port, keeps the one for 8022", () => {
    const [reason] = refused(
      insertRule(copy(before), "nat", "-A PREROUTING -p tcp -m tcp --dport 22 -j DNAT --to-destination 192.168.2.10:22"),
    );
    expect(reason).toContain("in nat PREROUTING would redirect new SSH connections from Labdeck");
    accepted(insertRule(copy(before), "nat", "-A PREROUTING -i eth0 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.2.10:22"));
  });

  it("accepts deleting the default route: Labdeck is in the connected /30", () => {
    const after = copy(before);
    after.routes = after.routes.filter((r) => !(r.table === "main" && r.dst === "default"));
    accepted(after);
  });

  it("refuses deleting the connected route of eth0", () => {
    const after = copy(before);
    after.routes = after.routes.filter((r) => !(r.dev === "eth0" && r.dst === "10.203.0.4/30"));
    const reasons = refused(after);
    expect(reasons.join(" ")).toContain("via 10.203.0.5, which no connected route on eth0 would reach");
  });

  it("refuses an ip rule prohibit from the server address", () => {
    const after = copy(before);
    after.rules.push({
      priority: 500,
      not: false,
      from: "10.203.0.6",
      to: null,
      iif: null,
      oif: null,
      fwmark: null,
      table: null,
      tableId: null,
      action: "prohibit",
    });
    expect(refused(after)).toEqual([
      "The route from 10.203.0.6 back to Labdeck at 10.203.0.5 would be refused by ip rule 500 (from 10.203.0.6 prohibit).",
    ]);
  });

  it("refuses eth0 down, deleted, or enslaved with its address", () => {
    const down = copy(before);
    down.links.find((l) => l.name === "eth0")!.adminUp = false;
    expect(refused(down)[0]).toBe("Interface eth0 holds 10.203.0.6, the address of Labdeck's SSH session, and would be down.");

    const gone = copy(before);
    gone.links = gone.links.filter((l) => l.name !== "eth0");
    expect(refused(gone)[0]).toContain("would no longer be on any interface");

    const enslaved = copy(before);
    enslaved.links.find((l) => l.name === "eth0")!.master = "br0";
    expect(refused(enslaved)[0]).toContain("Interface eth0 would be enslaved to br0 while it still holds 10.203.0.6");
  });

  it("accepts eth0 joining br0 when the address and the default route move to br0", () => {
    const after = copy(before);
    const eth0 = after.links.find((l) => l.name === "eth0")!;
    const br0 = after.links.find((l) => l.name === "br0")!;
    const addr = eth0.addresses.find((a) => a.address === ssh.serverAddress)!;
    eth0.master = "br0";
    eth0.addresses = eth0.addresses.filter((a) => a !== addr);
    br0.addresses.push(addr);
    br0.adminUp = true;
    // The projection moves the default route; the connected /30 on br0 is the kernel's.
    for (const r of after.routes) if (r.table === "main" && r.dst === "default") r.dev = "br0";
    accepted(after);
  });

  it("refuses moving the address to an interface on another wire", () => {
    const after = copy(before);
    const eth0 = after.links.find((l) => l.name === "eth0")!;
    const addr = eth0.addresses.find((a) => a.address === ssh.serverAddress)!;
    eth0.addresses = eth0.addresses.filter((a) => a !== addr);
    after.links.find((l) => l.name === "up2")!.addresses.push(addr);
    const reasons = refused(after);
    expect(reasons[0]).toBe("The address 10.203.0.6 of Labdeck's SSH session would move to up2, but the session arrives on eth0.");
    expect(reasons.join(" ")).toContain("would leave through up2");
  });

  it("refuses the move to br0 when INPUT accepts port 22 only on eth0", () => {
    const base = withIptables(
      copy(before),
      "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n",
    );
    const after = copy(base);
    const eth0 = after.links.find((l) => l.name === "eth0")!;
    const addr = eth0.addresses.find((a) => a.address === ssh.serverAddress)!;
    eth0.master = "br0";
    eth0.addresses = eth0.addresses.filter((a) => a !== addr);
    after.links.find((l) => l.name === "br0")!.addresses.push(addr);
    for (const r of after.routes) if (r.table === "main" && r.dst === "default") r.dev = "br0";
    const reasons = refused(after, base);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain("The DROP policy of filter INPUT would drop Labdeck's SSH session");
    expect(reasons[0]).toContain("on br0");
  });

  it("refuses any path change when the SSH session is unknown, allows other changes", () => {
    const blind = { ...copy(before), ssh: null };
    const after = insertRule(copy(blind), "filter", "-A FORWARD -j ACCEPT");
    expect(checkSshPath(blind, after)).toEqual({ ok: false, reasons: [SSH_PATH_UNKNOWN] });
    accepted({ ...copy(blind), ipForward: false }, blind);
  });
});
