import { describe, expect, it } from "vitest";
import { parseRule } from "../iptables-rule";
import { labNatNetwork } from "../fixtures/lab-nat-network";
import { ruleSpecFromRule } from "./rule-spec-from-rule";

const spec = (line: string, userChains?: string[]) =>
  ruleSpecFromRule(parseRule(line), userChains ? { userChains: new Set(userChains) } : {});

describe("ruleSpecFromRule", () => {
  it("turns the lab-nat rules the editor can express into specs, and refuses the others", () => {
    const net = labNatNetwork();
    const got = net.iptables!.tables.flatMap((t) =>
      t.chains.flatMap((c) => c.rules.map((r) => [r.text, ruleSpecFromRule(r, { userChains: new Set(["LAB-IN"]) })] as const)),
    );
    expect(Object.fromEntries(got)).toEqual({
      "-A PREROUTING -i br0 -p udp -m udp --dport 53 -j MARK --set-xmark 0x2/0xffffffff": null,
      "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT": { ctstate: ["RELATED", "ESTABLISHED"], target: { kind: "ACCEPT" } },
      "-A INPUT -i lo -j ACCEPT": { inInterface: "lo", target: { kind: "ACCEPT" } },
      '-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "labdeck ssh: keep open" -j ACCEPT': {
        protocol: "tcp",
        destinationPort: 22,
        comment: "labdeck ssh: keep open",
        target: { kind: "ACCEPT" },
      },
      "-A INPUT -i br+ -j LAB-IN": { inInterface: "br+", target: { kind: "chain", chain: "LAB-IN" } },
      "-A INPUT ! -s 10.0.0.0/8 -p udp -m udp --dport 1000:2000 -j REJECT --reject-with icmp-port-unreachable": {
        protocol: "udp",
        source: "10.0.0.0/8",
        sourceNegated: true,
        destinationPort: { from: 1000, to: 2000 },
        target: { kind: "REJECT", with: "icmp-port-unreachable" },
      },
      // A negated interface has no field in the spec.
      '-A INPUT ! -i tap+ -p tcp -m tcp --sport 1024:65535 -j LOG --log-prefix "lab in: " --log-level 6': null,
      "-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT": null,
      "-A INPUT -m state --state INVALID -j DROP": null,
      "-A FORWARD -d 192.168.2.10/32 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,RELATED,ESTABLISHED -j ACCEPT": {
        protocol: "tcp",
        destination: "192.168.2.10/32",
        destinationPort: 22,
        ctstate: ["NEW", "RELATED", "ESTABLISHED"],
        target: { kind: "ACCEPT" },
      },
      "-A FORWARD -i br0 ! -o br0 -j ACCEPT": null,
      "-A FORWARD ! -d 192.168.2.0/24 -o br0 -p tcp -j REJECT --reject-with tcp-reset": {
        protocol: "tcp",
        destination: "192.168.2.0/24",
        destinationNegated: true,
        outInterface: "br0",
        target: { kind: "REJECT", with: "tcp-reset" },
      },
      // The spec's comment admits no quotes or backslashes.
      "-A OUTPUT -o eth0 -m comment --comment \"it\\'s a \\'quoted\\' \\\\ back\" -j ACCEPT": null,
      "-A LAB-IN -s 192.168.2.66/32 -j RETURN": { source: "192.168.2.66/32", target: { kind: "RETURN" } },
      '-A LAB-IN -p tcp -m multiport --dports 80,443,8000:8100 -m comment --comment "web for the \\"lab\\" guests" -j ACCEPT': null,
      "-A PREROUTING -i eth0 -p tcp -m tcp --dport 8022 -j DNAT --to-destination 192.168.2.10:22": {
        protocol: "tcp",
        inInterface: "eth0",
        destinationPort: 8022,
        target: { kind: "DNAT", toDestination: "192.168.2.10", toPort: 22 },
      },
      "-A POSTROUTING -s 192.168.2.0/24 -o eth0 -j MASQUERADE": {
        source: "192.168.2.0/24",
        outInterface: "eth0",
        target: { kind: "MASQUERADE" },
      },
      "-A POSTROUTING -s 10.99.0.0/24 -o eth0 -j SNAT --to-source 10.203.0.2": {
        source: "10.99.0.0/24",
        outInterface: "eth0",
        target: { kind: "SNAT", toSource: "10.203.0.2" },
      },
    });
  });

  it("names the LOG level iptables-save prints as a number", () => {
    expect(spec('-A INPUT -p tcp -m tcp --sport 1024:65535 -j LOG --log-prefix "lab in: " --log-level 6')).toEqual({
      protocol: "tcp",
      sourcePort: { from: 1024, to: 65535 },
      target: { kind: "LOG", prefix: "lab in: ", level: "info" },
    });
    expect(spec("-A INPUT -j LOG")).toEqual({ target: { kind: "LOG" } });
  });

  it("tells a jump to a user chain from an extension target", () => {
    expect(spec("-A INPUT -g LAB-IN", ["LAB-IN"])).toEqual({ target: { kind: "chain", chain: "LAB-IN", goto: true } });
    expect(spec("-A INPUT -j OTHER", ["LAB-IN"])).toBeNull();
    expect(spec("-A INPUT -j OTHER")).toEqual({ target: { kind: "chain", chain: "OTHER" } });
    expect(spec("-A PREROUTING -p tcp -j REDIRECT")).toBeNull();
    expect(spec("-A INPUT -p tcp -m tcp --dport 22")).toBeNull();
  });

  it("refuses options the spec has no field for", () => {
    expect(spec("-A POSTROUTING -o eth0 -j MASQUERADE --to-ports 1024-2000")).toBeNull();
    expect(spec("-A POSTROUTING -o eth0 -j SNAT --to-source 10.0.0.1 --random")).toBeNull();
    expect(spec("-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080-8090")).toBeNull();
    expect(spec("-A INPUT -p tcp -m tcp ! --dport 22 -j DROP")).toBeNull();
    expect(spec("-A INPUT -p tcp -m tcp --tcp-flags SYN,ACK SYN -j DROP")).toBeNull();
    expect(spec("-A INPUT -p udp -m tcp --dport 22 -j DROP")).toBeNull();
    expect(spec("-A INPUT -f -j DROP")).toBeNull();
  });
});
