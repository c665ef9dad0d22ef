import { z } from "zod";
import { ZAbsPath, ZAddress, ZHostName, ZPort, ZSshUser } from "../names";

export const ZHostKeyInput = z.discriminatedUnion("source", [
  z.object({ source: z.literal("generate") }),
  z.object({ source: z.literal("paste"), privateKey: z.string().min(20, "paste the whole private key").max(20_000) }),
]);

export const ZCreateHostInput = z.object({
  name: ZHostName,
  address: ZAddress,
  port: ZPort.default(22),
  username: ZSshUser.default("root"),
  runDir: ZAbsPath.default("/var/lib/labdeck"),
  /** Where guest images, ISOs and kernels may live; empty means `<runDir>/images`. */
  storageRoots: z.array(ZAbsPath).max(16).default([]),
  /** Persistence files are written under it: "/" on a real host. */
  configRoot: ZAbsPath.default("/"),
  key: ZHostKeyInput,
});
export type TCreateHostInput = z.input<typeof ZCreateHostInput>;

export const ZUpdateHostInput = z.object({
  id: z.string().min(1).max(64),
  name: ZHostName.optional(),
  address: ZAddress.optional(),
  port: ZPort.optional(),
  username: ZSshUser.optional(),
  runDir: ZAbsPath.optional(),
  storageRoots: z.array(ZAbsPath).max(16).optional(),
  configRoot: ZAbsPath.optional(),
  key: ZHostKeyInput.optional(),
});
export type TUpdateHostInput = z.input<typeof ZUpdateHostInput>;

export const ZHostIdInput = z.object({ id: z.string().min(1).max(64) });
export const ZPinHostKeyInput = z.object({ id: z.string().min(1).max(64), fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "an OpenSSH SHA256 fingerprint") });
