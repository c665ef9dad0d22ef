import { z } from "zod";
import { ZRecordId } from "../../names";
import { serviceDeps } from "../service-deps";
import { previewStorageChange, runStorageChange } from "../../services/storage/storage-change";
import { storageView } from "../../services/storage/storage-view";
import { operatorProcedure, router, viewerProcedure } from "../trpc";

const ZHost = z.object({ hostId: ZRecordId });
// Only the outer shape here: the service checks the op against ZStorageOp itself, so a
// refusal names the op's field ("op.size") for the form to show beside it.
const ZChangeInput = ZHost.extend({ op: z.record(z.string().max(64), z.unknown()) });

export const storageRouter = router({
  /** LVM, disks, mounts and image files as read now, and which guest uses which volume. */
  read: viewerProcedure.input(ZHost).query(({ ctx, input }) => storageView(serviceDeps(ctx), input)),
  /** The plan one op gives on the host as it is now (reads the host; changes nothing). */
  preview: operatorProcedure.input(ZChangeInput).mutation(({ ctx, input }) => previewStorageChange(serviceDeps(ctx), input)),
  /** Plans again from a fresh read and runs it as a job. */
  run: operatorProcedure.input(ZChangeInput).mutation(({ ctx, input }) => runStorageChange(serviceDeps(ctx), input)),
});
