// IPv4 arithmetic lives in lib/ipv4.ts (the network editor uses it too).
export * from "../../lib/ipv4";
