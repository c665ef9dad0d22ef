import { ZAuditFilter, queryAudit } from "../../audit/audit-query";
import { router, viewerProcedure } from "../trpc";

export const auditRouter = router({
  list: viewerProcedure.input(ZAuditFilter).query(({ ctx, input }) => queryAudit(ctx.db, input)),
  usernames: viewerProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.auditEvent.findMany({ distinct: ["username"], select: { username: true }, orderBy: { username: "asc" } });
    return rows.map((r) => r.username);
  }),
});
