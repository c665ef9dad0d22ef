// The fetch behind every tRPC request from the pages. A request the server refuses before
// tRPC sees it (431: headers too large, 413: body too large, 421/403 from the edge checks)
// comes back without tRPC's JSON, and the client would report only "Unexpected end of JSON
// input". Here such an answer becomes an error that says what happened. Keep this the only
// place that reads a raw tRPC response: every other error already has tRPC's shape.

const REFUSED_TEXT: Record<number, string> = {
  413: "the request was larger than the server accepts",
  431: "the request's headers (its URL) were larger than the server accepts",
};

export class RequestRefusedError extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(
      `The server refused the request (HTTP ${status}): ${detail}. Reload the page; if it happens again, report it with what you were doing.`,
    );
    this.name = "RequestRefusedError";
  }
}

function isJson(res: Response): boolean {
  return (res.headers.get("content-type") ?? "").toLowerCase().includes("application/json");
}

/** Throws RequestRefusedError for an error answer that is not tRPC's; everything else passes through. */
export async function checkedResponse(res: Response): Promise<Response> {
  if (res.ok || isJson(res)) return res;
  // The body is the edge's own short text (or empty); shown only as a hint, never parsed.
  const text = (await res.text().catch(() => ""))
    .slice(0, 200)
    .replace(/[^\x20-\x7e]/g, " ")
    .trim();
  throw new RequestRefusedError(res.status, REFUSED_TEXT[res.status] ?? (text || res.statusText || "no explanation given"));
}

export const trpcFetch: typeof fetch = async (input, init) => checkedResponse(await fetch(input, init));
