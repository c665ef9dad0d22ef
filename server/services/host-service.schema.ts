import { z } from "zod";
import { DEFAULT_CONFIG_ROOT, DEFAULT_RUN_DIR } from "../hosts/host-roots";
import { ZConfigRoot, ZRunDir, ZStorageRoot } from "../root-checks";
import { ZAddress, ZHostName, ZPort, ZSshUser } from "../names";

export const ZQemuRunAs = z.union([
  z.literal(""),
  ZSshUser.refine((u) => u !== "root", "root is what runas leaves; leave it empty instead"),
]);

export const ZHostKeyInput = z.discriminatedUnion("source", [
  z.object({ source: z.literal("generate") }),
  z.object({ source: z.literal("paste"), privateKey: z.string().min(20, "paste the whole private key").max(20_000) }),
]);

export const ZCreateHostInput = z.object({
  name: ZHostName,
  address: ZAddress,
  port: ZPort.default(22),
  username: ZSshUser.default("root"),
  // The three roots (server/hosts/host-roots.ts): an operator may add a host only with
  // these defaults; any other value, at creation or later, is an admin's (host-service.ts).
  runDir: ZRunDir.default(DEFAULT_RUN_DIR),
  /** Where guest images, ISOs and kernels may live; empty means `<runDir>/images`. */
  storageRoots: z.array(ZStorageRoot).max(16).default([]),
  /** Persistence files are written under it: "/" on a real host. */
  configRoot: ZConfigRoot.default(DEFAULT_CONFIG_ROOT),
  /** Unprivileged user QEMU drops to (-runas); empty or absent: QEMU stays the SSH user. */
  qemuRunAs: ZQemuRunAs.default(""),
  key: ZHostKeyInput,
});
export type TCreateHostInput = z.input<typeof ZCreateHostInput>;

export const ZUpdateHostInput = z.object({
  id: z.string().min(1).max(64),
  name: ZHostName.optional(),
  address: ZAddress.optional(),
  port: ZPort.optional(),
  username: ZSshUser.optional(),
  /** Admin only when it differs from the host's current value. */
  runDir: ZRunDir.optional(),
  storageRoots: z.array(ZStorageRoot).max(16).optional(),
  configRoot: ZConfigRoot.optional(),
  qemuRunAs: ZQemuRunAs.optional(),
  key: ZHostKeyInput.optional(),
});
export type TUpdateHostInput = z.input<typeof ZUpdateHostInput>;

export const ZHostIdInput = z.object({ id: z.string().min(1).max(64) });
export const ZPinHostKeyInput = z.object({
  id: z.string().min(1).max(64),
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "an OpenSSH SHA256 fingerprint"),
});
