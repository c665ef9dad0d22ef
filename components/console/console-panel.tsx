"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { ConsoleHistory } from "./console-history";
import { ConsoleTerminal } from "./console-terminal";

/** The live console with its History panel; loaded with next/dynamic (ssr: false). */
export function ConsolePanel({ guestId, height }: { guestId: string; height?: string }) {
  const [history, setHistory] = useState(false);
  return (
    <div className={height === "fill" ? "flex h-full flex-col" : undefined}>
      <ConsoleTerminal
        guestId={guestId}
        height={height}
        toolbar={
          <Button size="sm" variant="ghost" onClick={() => setHistory((h) => !h)} data-testid="history-toggle">
            {history ? "Hide history" : "History"}
          </Button>
        }
      />
      {history && (
        <div
          className={
            height === "fill" ? "max-h-[45%] shrink-0 overflow-auto border-t border-slate-200 p-3" : "border-t border-slate-200 p-3"
          }
        >
          <ConsoleHistory guestId={guestId} />
        </div>
      )}
    </div>
  );
}
