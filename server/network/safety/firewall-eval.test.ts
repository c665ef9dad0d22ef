import { describe, expect, it } from "vitest";
import { parseRule } from "../iptables-rule";
import { parseIptablesSave } from "../parse-iptables-save";
import { evaluatePath, FILTER_TARGETS } from "./firewall-eval";
import { CLIENT_PORTS, matchRule, type SessionPacket } from "./packet-match";

const incoming: SessionPacket = {
  src: "10.203.0.5",
  dst: "10.203.0.6",
  protocol: "tcp",
  sport: CLIENT_PORTS,
  dport: { from: 22, to: 22 },
  inInterface: "eth0",
  outInterface: null,
  state: "ESTABLISHED",
  tcpFlags: [["ACK"], ["ACK", "PSH"]],
  srcType: "UNICAST",
  dstType: "LOCAL",
};

const match = (line: string, p: SessionPacket = incoming) => matchRule(parseRule(line), p);

describe("matchRule on a packet of the session", () => {
  it("reads basic selectors with negation and wildcards", () => {
    expect(match("-A INPUT -s 10.203.0.4/30 -j DROP")).toBe("yes");
    expect(match("-A INPUT ! -s 10.0.0.0/8 -j DROP")).toBe("no");
    expect(match("-A INPUT -d 10.203.0.6/32 -i eth+ -p tcp -j DROP")).toBe("yes");
    expect(match("-A INPUT ! -i eth0 -j DROP")).toBe("no");
    expect(match("-A INPUT -o eth0 -j DROP")).toBe("no");
    expect(match("-A INPUT ! -p tcp -j DROP")).toBe("no");
    expect(match("-A INPUT -f -j DROP")).toBe("no");
    expect(match("-A INPUT -s fd00::/8 -j DROP")).toBe("maybe");
  });

  it("reads ports, ranges and multiport lists", () => {
    expect(match("-A INPUT -p tcp -m tcp --dport 20:30 -j DROP")).toBe("yes");
    expect(match("-A INPUT -p tcp -m tcp ! --dport 22 -j DROP")).toBe("no");
    expect(match("-A INPUT -p tcp -m tcp --sport 1024:65535 -j DROP")).toBe("yes");
    expect(match("-A INPUT -p tcp -m tcp --sport 40000:50000 -j DROP")).toBe("maybe");
    expect(match("-A INPUT -p tcp -m tcp --sport 1:1023 -j DROP")).toBe("no");
    expect(match("-A INPUT -p tcp -m multiport --dports 80,443,8000:8100 -j DROP")).toBe("no");
    expect(match("-A INPUT -p tcp -m multiport --dports 80,20:25 -j DROP")).toBe("yes");
    expect(match("-A INPUT -p tcp -m multiport ! --dports 80,22 -j DROP")).toBe("no");
    expect(match("-A INPUT -p tcp -m multiport --ports 22 -j DROP")).toBe("yes");
  });

  it("reads conntrack and state, tcp flags, iprange and comments", () => {
    expect(match("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")).toBe("yes");
    expect(match("-A INPUT -m state --state NEW -j DROP")).toBe("no");
    expect(match("-A INPUT -m conntrack ! --ctstate INVALID -j DROP")).toBe("yes");
    expect(match("-A INPUT -m conntrack --ctstatus CONFIRMED -j DROP")).toBe("maybe");
    expect(match("-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK ACK -j DROP")).toBe("yes");
    expect(match("-A INPUT -p tcp -m tcp --tcp-flags PSH PSH -j DROP")).toBe("maybe");
    expect(match("-A INPUT -p tcp -m tcp --syn -j DROP", { ...incoming, state: "NEW", tcpFlags: [["SYN"]] })).toBe("yes");
    expect(match("-A INPUT -m iprange --src-range 10.203.0.1-10.203.0.9 -j DROP")).toBe("yes");
    expect(match("-A INPUT -m iprange ! --dst-range 10.203.0.1-10.203.0.9 -j DROP")).toBe("no");
    expect(match('-A INPUT -p tcp -m comment --comment "ssh" -j DROP')).toBe("yes");
    expect(match("-A INPUT -p udp -m udp --dport 22 -j DROP")).toBe("no");
    expect(match("-A INPUT -m recent --rcheck --seconds 60 -j DROP")).toBe("maybe");
  });
});

function verdict(save: string, packet = incoming) {
  return evaluatePath(parseIptablesSave(save), [{ table: "filter", chain: "INPUT", packet, targets: FILTER_TARGETS }]);
}

describe("evaluatePath", () => {
  it("ends in the policy, a rule, or both when a match is uncertain", () => {
    expect(verdict("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n").severity).toBe("accept");
    expect(verdict("*filter\n:INPUT DROP [0:0]\nCOMMIT\n")).toMatchObject({ severity: "drop", bad: [{ policy: "DROP", rule: null }] });
    const maybe = verdict("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m recent --rcheck -j DROP\nCOMMIT\n");
    expect(maybe.severity).toBe("might-drop");
    expect(maybe.bad[0]).toMatchObject({ uncertain: true });
    const maybeAccept = verdict("*filter\n:INPUT DROP [0:0]\n-A INPUT -m recent --rcheck -j ACCEPT\nCOMMIT\n");
    expect(maybeAccept.severity).toBe("might-drop");
  });

  it("jumps, returns and goes to user chains", () => {
    const jump =
      "*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A INPUT -j ACCEPT\n-A A -p tcp -j RETURN\n-A A -j DROP\nCOMMIT\n";
    expect(verdict(jump).severity).toBe("accept");
    // A goto's RETURN goes back past INPUT's "-j ACCEPT": the policy drops.
    const goto = "*filter\n:INPUT DROP [0:0]\n:A - [0:0]\n-A INPUT -g A\n-A INPUT -j ACCEPT\n-A A -j RETURN\nCOMMIT\n";
    expect(verdict(goto)).toMatchObject({ severity: "drop", bad: [{ policy: "DROP" }] });
    const logged = "*filter\n:INPUT ACCEPT [0:0]\n:B - [0:0]\n-A INPUT -j LOG\n-A INPUT -j B\n-A B -j DROP\nCOMMIT\n";
    expect(verdict(logged)).toMatchObject({ severity: "drop", bad: [{ chain: "B" }] });
  });

  it("walks a chain of thousands of rules without deep recursion", () => {
    const rules = Array.from({ length: 20_000 }, (_, i) => `-A INPUT -s 192.0.${Math.floor(i / 250)}.${i % 250}/32 -j DROP`);
    expect(verdict(`*filter\n:INPUT ACCEPT [0:0]\n${rules.join("\n")}\nCOMMIT\n`).severity).toBe("accept");
  });
});
