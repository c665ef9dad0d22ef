// The colour theme: the user's choice in localStorage ("light" | "dark"; absent = follow
// the system). THEME_SCRIPT runs in <head> before the first paint, so a dark page never
// flashes light; the toggle calls applyTheme with the same rule.

export const THEME_KEY = "labdeck-theme";
export type ThemeChoice = "system" | "light" | "dark";

export const THEME_SCRIPT = `(function(){try{var c=localStorage.getItem("${THEME_KEY}");var m=window.matchMedia("(prefers-color-scheme: dark)");var f=function(){var d=c==="dark"||(c!=="light"&&m.matches);document.documentElement.classList.toggle("dark",d);};f();m.addEventListener("change",function(){c=localStorage.getItem("${THEME_KEY}");f();});}catch(e){}})();`;

export function readThemeChoice(): ThemeChoice {
  const c = window.localStorage.getItem(THEME_KEY);
  return c === "light" || c === "dark" ? c : "system";
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === "system") window.localStorage.removeItem(THEME_KEY);
  else window.localStorage.setItem(THEME_KEY, choice);
  const dark = choice === "dark" || (choice === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
}

export const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: "dark", dark: "light", light: "system" };
