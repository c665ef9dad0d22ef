export type KeyChoice = "keep" | "generate" | "paste";

const OPTIONS: Array<{ value: KeyChoice; label: string; hint: string }> = [
  { value: "keep", label: "Keep the current key", hint: "" },
  {
    value: "generate",
    label: "Generate a key pair (recommended)",
    hint: "Labdeck makes an ed25519 key; you add its public half to authorized_keys on the host.",
  },
  { value: "paste", label: "Paste a private key", hint: "Use a key the host already trusts." },
];

export function KeySourcePicker({
  value,
  onChange,
  allowKeep,
}: {
  value: KeyChoice;
  onChange: (v: KeyChoice) => void;
  allowKeep: boolean;
}) {
  return (
    <fieldset className="space-y-1.5">
      <legend className="mb-1 text-xs font-medium text-slate-700">SSH key Labdeck signs in with</legend>
      {OPTIONS.filter((o) => allowKeep || o.value !== "keep").map((o) => (
        <label key={o.value} className="flex cursor-pointer items-start gap-2">
          <input
            type="radio"
            name="key-source"
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            className="mt-0.5"
            data-testid={`key-source-${o.value}`}
          />
          <span>
            <span className="font-medium">{o.label}</span>
            {o.hint && <span className="block text-xs text-slate-500">{o.hint}</span>}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
