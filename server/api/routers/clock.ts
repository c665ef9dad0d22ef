import { publicProcedure, router } from "../trpc";

// The server's clock for the pages: "3 s ago" and countdowns are measured against the time
// the server wrote into its rows, not against whatever the browser's clock says.
export const clockRouter = router({
  now: publicProcedure.query(() => ({ now: Date.now() })),
});
