"use client";

import { useState } from "react";
import { Button } from "../ui/button";
import { ConsoleHistory } from "./console-history";
import { ConsoleTerminal } from "./console-terminal";

/** The live console with its History panel; loaded with next/dynamic (ssr: false). */
export function ConsolePanel({ guestId, height }: { guestId: string; height?: string }) {
  const [history, setHistory] = useState(false);
  return (
    <div>
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
        <div className="border-t border-slate-200 p-3">
          <ConsoleHistory guestId={guestId} />
        </div>
      )}
    </div>
  );
}
