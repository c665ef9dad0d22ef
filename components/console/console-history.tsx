"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTRPC, useTRPCClient } from "../trpc-provider";
import { errorMessage } from "../trpc-errors";
import { Button } from "../ui/button";
import { Input } from "../ui/input";
import { Empty, Loading, Notice } from "../ui/states";
import { wholeUnitBytes } from "@/lib/bytes";

// Terminal control sequences are noise in a text view; the live console keeps them.
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r/g;
export const plainLog = (s: string) => s.replace(CONTROL, "");

/** The guest's whole serial log on its host, read a page at a time from the end, and searchable. */
export function ConsoleHistory({ guestId }: { guestId: string }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [pages, setPages] = useState<Array<{ offset: number; text: string }>>([]);
  const [size, setSize] = useState<number | null>(null);
  const [rotated, setRotated] = useState<{ bytes: number; rotatedAt: number } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [term, setTerm] = useState("");
  const [searched, setSearched] = useState<string | null>(null);
  const search = useQuery(
    trpc.guests.searchSerialLog.queryOptions(searched ? { id: guestId, term: searched } : skipToken, { staleTime: 0 }),
  );

  const load = useCallback(
    async (before?: number) => {
      setLoading(true);
      setError(null);
      try {
        const page = await client.guests.serialLog.query(before === undefined ? { id: guestId } : { id: guestId, before });
        setSize((s) => s ?? page.size);
        if (before === undefined) setRotated(page.rotated);
        setPages((p) =>
          before === undefined ? [{ offset: page.offset, text: page.text }] : [{ offset: page.offset, text: page.text }, ...p],
        );
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [client, guestId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const oldest = pages[0]?.offset ?? 0;
  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    if (term.trim()) setSearched(term.trim());
  };
  return (
    <div className="space-y-3" data-testid="console-history">
      <form onSubmit={onSearch} className="flex gap-2">
        <Input
          aria-label="Search the serial log"
          className="flex-1"
          placeholder="Search the whole log (plain text)"
          value={term}
          onChange={(e) => setTerm(e.target.value)}
          data-testid="history-search"
        />
        <Button type="submit" disabled={!term.trim()} pending={search.isFetching} data-testid="history-search-submit">
          Search
        </Button>
      </form>
      {search.error && <Notice tone="error">{errorMessage(search.error)}</Notice>}
      {search.data && (
        <div data-testid="history-hits">
          <div className="mb-1 text-xs text-slate-600">
            {search.data.length === 0 ? `No line contains “${searched}”.` : `${search.data.length} line(s) contain “${searched}”`}
          </div>
          <ol className="max-h-48 overflow-auto rounded border border-slate-200 bg-white font-mono text-xs">
            {search.data.map((h) => (
              <li
                key={`${h.line}:${h.offset}`}
                className="flex gap-2 border-b border-slate-100 px-2 py-0.5 last:border-0"
                data-testid="history-hit"
              >
                <span className="w-12 shrink-0 text-right text-slate-400">{h.line}</span>
                <span className="break-all whitespace-pre-wrap">{h.text}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
      <div className="flex items-center gap-2 text-xs text-slate-600">
        <Button
          size="sm"
          disabled={loading || pages.length === 0 || oldest === 0}
          onClick={() => void load(oldest)}
          data-testid="history-older"
        >
          Load earlier
        </Button>
        <Button size="sm" variant="ghost" disabled={loading} onClick={() => void load()}>
          Reload from the end
        </Button>
        {size !== null && (
          <span>
            {oldest === 0 ? "From the start of the log" : `Showing from byte ${oldest}`} · {size} bytes when first read
          </span>
        )}
      </div>
      {rotated && oldest === 0 && (
        <div className="text-xs text-slate-500" data-testid="history-rotated">
          Earlier history ({wholeUnitBytes(rotated.bytes)}) was rotated away when the guest started on{" "}
          {new Date(rotated.rotatedAt).toLocaleString()}; it is kept on the host as serial.log.1 until the next rotation.
        </div>
      )}
      {error ? (
        <Notice tone="error" title="Could not read the serial log">
          {errorMessage(error)}
        </Notice>
      ) : null}
      {loading && pages.length === 0 ? (
        <Loading label="Reading the serial log…" />
      ) : pages.every((p) => p.text === "") && !error ? (
        <Empty>The serial log is empty (the guest has not run yet).</Empty>
      ) : (
        <pre
          className="max-h-96 overflow-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs break-all whitespace-pre-wrap"
          data-testid="history-text"
        >
          {pages.map((p) => plainLog(p.text)).join("")}
        </pre>
      )}
    </div>
  );
}
