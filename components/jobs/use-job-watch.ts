"use client";

import { skipToken, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useReducer, useRef } from "react";
import type { JobEvent, JobStatus } from "../api-types";
import { onUnauthorized, useTRPC } from "../trpc-provider";
import { EMPTY_JOB_STATE, applyJobEvents, type JobState } from "./job-state";

type Action = { reset: boolean; events: JobEvent[]; status: JobStatus | null };

function reducer(state: JobState, a: Action): JobState {
  return applyJobEvents(a.reset ? EMPTY_JOB_STATE : state, a.events, a.status);
}

/**
 * The live state of one job. Every (re)connection of the SSE stream starts with a full
 * snapshot, so the first message after "started" replaces what we had instead of adding to it.
 * Key the caller by jobId: the state is not reset when the id changes.
 */
export function useJobWatch(jobId: string | null) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(reducer, EMPTY_JOB_STATE);
  const snapshotNext = useRef(true);
  const sub = useSubscription(
    trpc.jobs.watch.subscriptionOptions(jobId ? { jobId } : skipToken, {
      onStarted: () => {
        snapshotNext.current = true;
      },
      onData: (data) => {
        dispatch({ reset: snapshotNext.current, events: data.events, status: data.status });
        snapshotNext.current = false;
      },
      onError: (err) => onUnauthorized(queryClient, err),
    }),
  );
  return { state, connection: sub.status, error: sub.error };
}
