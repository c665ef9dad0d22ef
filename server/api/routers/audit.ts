import { auditUsernames, queryAudit, ZAuditFilter } from "../../services/audit-query";
import { router, viewerProcedure } from "../trpc";

export const auditRouter = router({
  list: viewerProcedure.input(ZAuditFilter).query(({ ctx, input }) => queryAudit(ctx.db, input)),
  usernames: viewerProcedure.query(({ ctx }) => auditUsernames(ctx.db)),
});
