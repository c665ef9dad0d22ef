import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { createFirstAdmin, sessionSetCookie, signedOutCookie, signIn, signOut, startSession, userCount } from "../../services/auth-service";
import { publicProcedure, router, viewerProcedure } from "../trpc";
import { ZPassword, ZUsername } from "./users.schema";

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),

  setupStatus: publicProcedure.query(async ({ ctx }) => ({
    needsFirstAdmin: (await userCount(ctx.db)) === 0,
  })),

  /** Always needs the setup token: where a request seems to come from proves nothing (see setup-token.ts). */
  createFirstAdmin: publicProcedure
    .input(z.object({ username: ZUsername, password: ZPassword, token: z.string().max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await createFirstAdmin(ctx.db, {
        username: input.username,
        password: input.password,
        proof: { via: "token", token: input.token },
        ip: ctx.ip,
      });
      const session = await startSession(ctx.db, user, ctx.ip);
      ctx.setCookie(sessionSetCookie(session.token, ctx.secureCookies));
      return user;
    }),

  signIn: publicProcedure
    .input(z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const session = await signIn(ctx.db, { ...input, ip: ctx.ip }, ctx.signInGuard ?? ctx.rt.signInGuard);
      ctx.setCookie(sessionSetCookie(session.token, ctx.secureCookies));
      return session.user;
    }),

  signOut: viewerProcedure.mutation(async ({ ctx }) => {
    if (!ctx.user || !ctx.sessionId) throw new TRPCError({ code: "UNAUTHORIZED" });
    await signOut({ db: ctx.db, sessions: ctx.rt.sessions }, { sessionId: ctx.sessionId, user: ctx.user, ip: ctx.ip });
    ctx.setCookie(signedOutCookie(ctx.secureCookies));
    return { ok: true as const };
  }),
});
