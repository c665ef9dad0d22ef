"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "../trpc-provider";
import type { Position } from "./network-types";

// Where people put the nodes is shared by the team (one layout per host, one for the
// multi-host canvas). Moves are kept locally at once and saved shortly after the last
// drag, as the full picture: the server stores what it is given, so a save never depends
// on an older layout it would have to merge with.

const SAVE_DELAY_MS = 600;

export function useLayoutSaver(
  scope: string,
  serverLayout: Record<string, Position> | undefined,
  currentPositions: () => Record<string, Position>,
) {
  const trpc = useTRPC();
  const [moves, setMoves] = useState<Record<string, Position>>({});
  const save = useMutation(trpc.network.saveLayout.mutationOptions());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(currentPositions);
  latest.current = currentPositions;

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  // A layout read from the server after our save already holds our moves (and may hold a
  // teammate's newer ones): drop the local copy then, unless a save is still to come.
  const savePending = useRef(false);
  savePending.current = save.isPending;
  useEffect(() => {
    if (!timer.current && !savePending.current) setMoves({});
  }, [serverLayout]);

  const onMoved = useCallback(
    (positions: Record<string, Position>) => {
      setMoves((m) => ({ ...m, ...positions }));
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        save.mutate({ scope, positions: { ...latest.current(), ...positions } });
      }, SAVE_DELAY_MS);
    },
    [save, scope],
  );

  return { moves, onMoved, saving: save.isPending, error: save.error };
}
