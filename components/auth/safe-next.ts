// Where sign-in sends the user afterwards: only a path on this origin. Anything a browser
// could read as another host is refused ("//evil", "/\\evil", "/\t/evil" — browsers drop
// tabs and newlines inside URLs and treat "\" as "/"), as is anything that only turns into
// one once decoded ("/%09/evil", "/%2F/evil"), a scheme ("javascript:", "https://…"), and
// control characters. A refused value becomes "/".

const BASE = "http://labdeck.invalid";
const MAX_LENGTH = 2048;

function looksLikeAnotherHost(v: string): boolean {
  if (/[\u0000-\u001f\u007f\\]/.test(v)) return true;
  return !v.startsWith("/") || v.startsWith("//");
}

function decodedForms(v: string): string[] | null {
  const forms = [v];
  let cur = v;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(cur);
    } catch {
      return null;
    }
    if (next === cur) return forms;
    forms.push(next);
    cur = next;
  }
  return null;
}

export function safeNext(value: string | null | undefined): string {
  if (!value || value.length > MAX_LENGTH) return "/";
  const forms = decodedForms(value);
  if (forms === null || forms.some(looksLikeAnotherHost)) return "/";
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}
