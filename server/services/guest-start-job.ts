import { z } from "zod";
import { db } from "../db";
import { planHandler } from "../jobs/plan-job";
import type { JobHandler } from "../jobs/job-runner";
import { recordCreatedImages } from "./guest-images";

// Starting a guest: the plan like any other, then the images its start created are noted
// on the guest, only once every step succeeded (a failed start undoes its creates; a lost
// connection leaves them unrecorded, so a later delete keeps a file rather than guess).

const ZPayload = z.object({ guestId: z.string(), createsImages: z.array(z.string()).default([]) });

export const guestStartJobHandler: JobHandler = async (ctx, payload) => {
  const { guestId, createsImages } = ZPayload.parse(payload);
  await planHandler(ctx, payload);
  await recordCreatedImages(db, guestId, createsImages);
  if (createsImages.length > 0) ctx.note(`recorded as made by Labdeck: ${createsImages.join(", ")}`);
};
