import { describe, expect, it } from "vitest";
import { MAX_SEEN_ADDRESSES, MAX_USERNET_TEXT, parseUsernet, usernetNic } from "./usernet";

// Real QEMU 7.2 (Debian 12) `info usernet` over QMP human-monitor-command, for a guest with
// two user-mode netdevs: n0 with a TCP and a UDP forward, n1 with none.
const QEMU_7_2 =
  "Hub -1 (n0):\r\n  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\r\n  TCP[HOST_FORWARD]  12       127.0.0.1 18022       10.0.2.15    22     0     0\r\n  UDP[HOST_FORWARD]  11       127.0.0.1 18053       10.0.2.15    53     0     0\r\nHub -1 (n1):\r\n  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ\r\n";

// libslirp's other row forms (slirp_connection_info): a connection in through the forward,
// one the guest opened, UDP and ICMP sockets with their expiry, a forward on every address.
const CONNECTIONS = [
  "Hub -1 (n0):",
  "  Protocol[State]    FD  Source Address  Port   Dest. Address  Port RecvQ SendQ",
  "  TCP[HOST_FORWARD]  12       127.0.0.1 18022       10.0.2.15    22     0     0",
  "  TCP[ESTABLISHED]   14       127.0.0.1 18022       10.0.2.15    22     0     0",
  "  TCP[SYN_SENT]      15       10.0.2.16 40312   93.184.216.34    80     0     0",
  "  UDP[236 sec]       16       10.0.2.17 51000        10.0.2.3    53     0     0",
  "  ICMP[20 sec]       17       10.0.2.18     0        10.0.2.2     0     0     0",
  "  TCP[HOST_FORWARD]  13               * 18080       10.0.2.15    80     0     0",
].join("\n");

describe("info usernet", () => {
  it("reads each netdev's forwards and the guest address they land on", () => {
    const tables = parseUsernet(QEMU_7_2);
    expect([...tables.keys()]).toEqual(["n0", "n1"]);
    expect(usernetNic("n0", tables.get("n0") ?? [])).toEqual({
      netdev: "n0",
      forwards: [
        { proto: "tcp", hostAddress: "127.0.0.1", hostPort: 18022, guestAddress: "10.0.2.15", guestPort: 22 },
        { proto: "udp", hostAddress: "127.0.0.1", hostPort: 18053, guestAddress: "10.0.2.15", guestPort: 53 },
      ],
      guestAddresses: ["10.0.2.15"],
    });
    expect(usernetNic("n1", tables.get("n1") ?? [])).toEqual({ netdev: "n1", forwards: [], guestAddresses: [] });
  });

  it("takes the guest's address from its own connections, and the guest end of incoming ones", () => {
    const nic = usernetNic("n0", parseUsernet(CONNECTIONS).get("n0") ?? []);
    expect(nic.guestAddresses).toEqual(["10.0.2.15", "10.0.2.16", "10.0.2.17", "10.0.2.18"]);
    expect(nic.forwards.map((f) => `${f.hostAddress ?? "*"}:${f.hostPort}`)).toEqual(["127.0.0.1:18022", "*:18080"]);
  });

  it("reads the older VLAN header", () => {
    expect([...parseUsernet("VLAN 0 (n2):\n  TCP[HOST_FORWARD]  12  127.0.0.1 2222  10.0.2.15  22  0  0\n").keys()]).toEqual(["n2"]);
  });

  it("drops rows and tables it cannot read exactly", () => {
    const hostile = [
      "Hub -1 (../../etc):",
      "  TCP[HOST_FORWARD]  12       127.0.0.1 2222       10.0.2.99    22     0     0",
      "Hub -1 (n0):",
      "  TCP[HOST_FORWARD]  12       127.0.0.1 99999       10.0.2.15    22     0     0",
      "  TCP[HOST_FORWARD]  12       127.0.0.1 2222       10.0.2.256    22     0     0",
      "  TCP[HOST_FORWARD]  12       127.0.0.1 2222       10.0.2.15    22     0     0 extra",
      "  TCP[$(reboot)]     12       127.0.0.1 2222       10.0.2.15    22     0     0",
      "  SCTP[HOST_FORWARD] 12       127.0.0.1 2222       10.0.2.15    22     0     0",
      "  TCP[HOST_FORWARD]  -1       127.0.0.1 2222       10.0.2.15    22     0     0",
      `  TCP[HOST_FORWARD]  12       127.0.0.1 2222       10.0.2.15    22     0     0${" ".repeat(300)}`,
      "  TCP[HOST_FORWARD]  12       127.0.0.1  2223       10.0.2.20    23     0     0",
      "Hub -1 (n0):",
      "  TCP[HOST_FORWARD]  12       127.0.0.1  2224       10.0.2.21    24     0     0",
    ].join("\n");
    const tables = parseUsernet(hostile);
    expect([...tables.keys()]).toEqual(["n0"]);
    expect(usernetNic("n0", tables.get("n0") ?? []).forwards).toEqual([
      { proto: "tcp", hostAddress: "127.0.0.1", hostPort: 2223, guestAddress: "10.0.2.20", guestPort: 23 },
    ]);
  });

  it("bounds the text, and the addresses kept per NIC", () => {
    expect(() => parseUsernet("x".repeat(MAX_USERNET_TEXT + 1))).toThrow(/over/);
    const many = [
      "Hub -1 (n0):",
      ...Array.from({ length: 100 }, (_, i) => `  UDP[10 sec]  ${i}  10.0.${i}.15  5000  10.0.2.3  53  0  0`),
    ].join("\n");
    expect(usernetNic("n0", parseUsernet(many).get("n0") ?? []).guestAddresses).toHaveLength(MAX_SEEN_ADDRESSES);
  });
});
