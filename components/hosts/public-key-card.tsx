import type { HostView } from "../api-types";
import { quoteWord } from "@/lib/shell-words";
import { Card } from "../ui/card";
import { CodeBlock } from "../ui/code-block";

export function PublicKeyCard({ host }: { host: HostView }) {
  const line = `echo ${quoteWord(host.publicKey)} >> ~/.ssh/authorized_keys`;
  return (
    <Card title="Labdeck's public key" description={`Labdeck signs in as ${host.username} with this key.`} testId="public-key-card">
      <div className="space-y-3">
        <CodeBlock code={host.publicKey} wrap testId="public-key" copyTestId="copy-public-key" />
        <div>
          <p className="mb-1 text-xs text-slate-600">
            On the host, as <span className="font-mono">{host.username}</span>, add it to{" "}
            <span className="font-mono">~/.ssh/authorized_keys</span>:
          </p>
          <CodeBlock code={line} wrap testId="authorized-keys-line" />
        </div>
      </div>
    </Card>
  );
}
