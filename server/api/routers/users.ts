import { createUser, listUsers, removeUser, setUserRole } from "../../services/user-service";
import { actorOf, adminProcedure, router } from "../trpc";
import { ZCreateUserInput, ZSetRoleInput, ZUserIdInput } from "./users.schema";

export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(ZCreateUserInput).mutation(({ ctx, input }) => createUser(ctx.db, actorOf(ctx), input)),
  setRole: adminProcedure
    .input(ZSetRoleInput)
    .mutation(({ ctx, input }) => setUserRole({ db: ctx.db, sessions: ctx.rt.sessions }, actorOf(ctx), input)),
  remove: adminProcedure.input(ZUserIdInput).mutation(async ({ ctx, input }) => {
    await removeUser({ db: ctx.db, sessions: ctx.rt.sessions }, actorOf(ctx), input);
    return { ok: true as const };
  }),
});
