import { Duplex, PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { connectQmp, QmpClient, QmpError } from "./qmp";

// A fake QEMU on the other end of a Duplex pair: it sees what the client writes and
// answers with lines shaped like QEMU 7.2's (captured with socat on this machine).
function fakeQemu(handler: (msg: Record<string, unknown>, send: (o: unknown) => void) => void, greet = true) {
  const toClient = new PassThrough();
  const fromClient = new PassThrough();
  const clientSide = Duplex.from({ readable: toClient, writable: fromClient });
  const send = (o: unknown) => toClient.write(`${JSON.stringify(o)}\r\n`);
  let buf = "";
  fromClient.setEncoding("utf8");
  fromClient.on("data", (c: string) => {
    buf += c;
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      handler(JSON.parse(line) as Record<string, unknown>, send);
    }
  });
  if (greet) {
    send({
      QMP: { version: { qemu: { micro: 22, minor: 2, major: 7 }, package: "Debian 1:7.2+dfsg-7+deb12u18+b3" }, capabilities: ["oob"] },
    });
  }
  return { clientSide, send, end: () => toClient.end() };
}

const standard = (msg: Record<string, unknown>, send: (o: unknown) => void) => {
  if (msg.execute === "qmp_capabilities") send({ return: {}, id: msg.id });
  else if (msg.execute === "query-status") send({ return: { status: "running", singlestep: false, running: true }, id: msg.id });
  else if (msg.execute === "system_powerdown") {
    send({ timestamp: { seconds: 1, microseconds: 2 }, event: "POWERDOWN" });
    send({ return: {}, id: msg.id });
  } else send({ id: msg.id, error: { class: "CommandNotFound", desc: `The command ${String(msg.execute)} has not been found` } });
};

describe("QmpClient", () => {
  it("reads the greeting, negotiates, and returns a command's answer", async () => {
    const q = fakeQemu(standard);
    const c = await connectQmp(q.clientSide);
    expect(c.greeting?.version.qemu.major).toBe(7);
    await expect(c.execute("query-status")).resolves.toEqual({ status: "running", singlestep: false, running: true });
    c.close();
  });

  it("collects events without mistaking them for answers", async () => {
    const q = fakeQemu(standard);
    const c = await connectQmp(q.clientSide);
    const seen: string[] = [];
    c.onEvent((e) => seen.push(e.event));
    await expect(c.execute("system_powerdown")).resolves.toEqual({});
    expect(seen).toEqual(["POWERDOWN"]);
    expect(c.events.map((e) => e.event)).toEqual(["POWERDOWN"]);
    c.close();
  });

  it("turns QEMU's error into a typed QmpError", async () => {
    const c = await connectQmp(fakeQemu(standard).clientSide);
    const err = await c.execute("nope").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QmpError);
    expect(err).toMatchObject({ kind: "command", errorClass: "CommandNotFound" });
    c.close();
  });

  it("passes arguments and matches answers by id even out of order", async () => {
    const held: Record<string, unknown>[] = [];
    const q = fakeQemu((msg, send) => {
      if (msg.execute === "qmp_capabilities") return send({ return: {}, id: msg.id });
      held.push(msg);
      if (held.length === 2) for (const m of held.reverse()) send({ return: m.arguments ?? null, id: m.id });
    });
    const c = await connectQmp(q.clientSide);
    const [a, b] = await Promise.all([c.execute("echo", { n: 1 }), c.execute("echo", { n: 2 })]);
    expect([a, b]).toEqual([{ n: 1 }, { n: 2 }]);
    c.close();
  });

  it("handles answers split across chunks", async () => {
    const q = fakeQemu(() => undefined, false);
    const c = new QmpClient(q.clientSide);
    const g = c.handshake(1000);
    const text = JSON.stringify({ QMP: { version: { qemu: { micro: 0, minor: 0, major: 8 }, package: "" }, capabilities: [] } });
    q.clientSide.push(text.slice(0, 10));
    setTimeout(() => {
      q.clientSide.push(`${text.slice(10)}\r\n`);
      setTimeout(() => q.clientSide.push(`{"return": {}, "id": "labdeck-1"}\n`), 5);
    }, 5);
    await expect(g).resolves.toMatchObject({ version: { qemu: { major: 8 } } });
    c.close();
  });

  it("times out a command that gets no answer", async () => {
    const q = fakeQemu((msg, send) => {
      if (msg.execute === "qmp_capabilities") send({ return: {}, id: msg.id });
    });
    const c = await connectQmp(q.clientSide);
    await expect(c.execute("query-status", undefined, { timeoutMs: 30 })).rejects.toMatchObject({ kind: "timeout" });
    c.close();
  });

  it("rejects pending commands when the stream closes, and later ones at once", async () => {
    const q = fakeQemu((msg, send) => {
      if (msg.execute === "qmp_capabilities") send({ return: {}, id: msg.id });
      else q.end();
    });
    const c = await connectQmp(q.clientSide);
    await expect(c.execute("quit")).rejects.toMatchObject({ kind: "closed" });
    await expect(c.execute("query-status")).rejects.toMatchObject({ kind: "closed" });
  });

  it("times out when no greeting comes", async () => {
    const q = fakeQemu(() => undefined, false);
    await expect(connectQmp(q.clientSide, { timeoutMs: 30 })).rejects.toMatchObject({ kind: "timeout" });
  });
});
