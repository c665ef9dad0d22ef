// The bridge dialog's timer fields, checked as the kernel checks them, so an obvious
// mistake is named on its field before the server refuses the op (the server checks
// again: ZBridgeTimers and bridges.ts). Values are seconds, as `brctl setfd`, `sethello`
// and `setmaxage` take them; the ranges are the kernel's (net/bridge/br_stp.c), in s.

export interface BridgeTimerFields {
  stp: boolean;
  forwardDelay: string;
  helloTime: string;
  maxAge: string;
}

export interface BridgeTimerValues {
  forwardDelayS: number | null;
  helloTimeS: number | null;
  maxAgeS: number | null;
}

type TimerKey = "forwardDelay" | "helloTime" | "maxAge";

const RANGE: Record<TimerKey, { min: number; max: number; label: string }> = {
  forwardDelay: { min: 0, max: 30, label: "0 to 30 seconds" },
  helloTime: { min: 1, max: 10, label: "1 to 10 seconds" },
  maxAge: { min: 6, max: 40, label: "6 to 40 seconds" },
};

function seconds(text: string): number | null {
  return text.trim() === "" ? null : Number(text);
}

/** Errors by field, and the values when there are none. Empty fields mean "leave as is". */
export function checkBridgeTimers(f: BridgeTimerFields): { errors: Partial<Record<TimerKey, string>>; values: BridgeTimerValues } {
  const errors: Partial<Record<TimerKey, string>> = {};
  const values = { forwardDelayS: seconds(f.forwardDelay), helloTimeS: seconds(f.helloTime), maxAgeS: seconds(f.maxAge) };
  const pairs: [TimerKey, number | null][] = [
    ["forwardDelay", values.forwardDelayS],
    ["helloTime", values.helloTimeS],
    ["maxAge", values.maxAgeS],
  ];
  for (const [key, v] of pairs) {
    if (v === null) continue;
    // The kernel counts centiseconds: a finer value would be rounded without a word.
    if (!Number.isFinite(v) || v < RANGE[key].min || v > RANGE[key].max || Math.round(v * 100) !== v * 100) errors[key] = RANGE[key].label;
  }
  if (!errors.forwardDelay && f.stp && values.forwardDelayS !== null && values.forwardDelayS < 2)
    errors.forwardDelay = "With STP on, at least 2 seconds";
  return { errors, values };
}
