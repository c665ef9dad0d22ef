/** Only same-site paths: "//evil.example" or "https://…" would make sign-in an open redirect. */
export function safeNext(value: string | null): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}
