"use client";

import { useState } from "react";
import { Button } from "./button";
import { cx } from "./cx";

// navigator.clipboard exists only in secure contexts; Labdeck is often opened over plain
// http on a lab network, so fall back to a selected textarea and execCommand.
export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the legacy path
    }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  return ok;
}

export function CopyButton({ text, label = "Copy", testId }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const onCopy = async () => {
    setState((await copyText(text)) ? "copied" : "failed");
    setTimeout(() => setState("idle"), 1500);
  };
  return (
    <Button size="sm" onClick={() => void onCopy()} data-testid={testId}>
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed: select the text" : label}
    </Button>
  );
}

export function CodeBlock({
  code,
  wrap = false,
  className,
  testId,
  copyTestId,
}: {
  code: string;
  wrap?: boolean;
  className?: string;
  testId?: string;
  copyTestId?: string;
}) {
  return (
    <div className={cx("theme-fixed relative rounded border border-slate-200 bg-slate-900", className)}>
      <div className="absolute top-1.5 right-1.5">
        <CopyButton text={code} testId={copyTestId} />
      </div>
      <pre
        className={cx(
          "overflow-x-auto p-3 pr-20 font-mono text-xs leading-relaxed text-slate-100",
          wrap && "break-all whitespace-pre-wrap",
        )}
        data-testid={testId}
      >
        {code}
      </pre>
    </div>
  );
}
