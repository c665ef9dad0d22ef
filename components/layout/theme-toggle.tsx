"use client";

import { useEffect, useState } from "react";
import { Button } from "../ui/button";
import { NEXT_THEME, applyTheme, readThemeChoice, type ThemeChoice } from "./theme";

const LABEL: Record<ThemeChoice, string> = { system: "Theme: system", dark: "Theme: dark", light: "Theme: light" };

/** Cycles system -> dark -> light; "system" follows the OS setting as it changes. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice | null>(null);
  useEffect(() => setChoice(readThemeChoice()), []);
  if (choice === null) return null;
  return (
    <Button
      size="sm"
      variant="inverse"
      data-testid="theme-toggle"
      data-theme={choice}
      title="Switch between the system's theme, dark and light"
      onClick={() => {
        const next = NEXT_THEME[choice];
        applyTheme(next);
        setChoice(next);
      }}
    >
      {LABEL[choice]}
    </Button>
  );
}
