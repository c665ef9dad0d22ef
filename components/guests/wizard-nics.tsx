"use client";

import { Button } from "../ui/button";
import { Field } from "../ui/field";
import { Input, Select } from "../ui/input";
import { defaultForwardAddress, newForward, newNic, type FieldErrors, type ForwardRow, type NicRow } from "./wizard-model";

function Forwards({
  nic,
  i,
  errors,
  hostAddress,
  onChange,
}: {
  nic: NicRow;
  i: number;
  errors: FieldErrors;
  hostAddress: string | undefined;
  onChange: (f: ForwardRow[]) => void;
}) {
  const err = (j: number, k: string) => errors[`nics.${i}.network.forwards.${j}.${k}`];
  const update = (f: ForwardRow) => onChange(nic.forwards.map((x) => (x.key === f.key ? f : x)));
  return (
    <div className="space-y-1.5 sm:col-span-4">
      <div className="text-xs font-medium text-slate-700">Port forwards (host port → guest port)</div>
      {errors[`nics.${i}.network.forwards`] && (
        <p className="text-xs text-red-700" role="alert">
          {errors[`nics.${i}.network.forwards`]}
        </p>
      )}
      {nic.forwards.map((f, j) => (
        <div key={f.key} className="flex flex-wrap items-start gap-1.5" data-testid="forward-row">
          <Select aria-label="Protocol" value={f.proto} onChange={(e) => update({ ...f, proto: e.target.value as ForwardRow["proto"] })}>
            <option value="tcp">tcp</option>
            <option value="udp">udp</option>
          </Select>
          <Input
            aria-label="Host address"
            className="w-32"
            placeholder="host address"
            value={f.hostAddress}
            onChange={(e) => update({ ...f, hostAddress: e.target.value })}
            invalid={!!err(j, "hostAddress")}
          />
          <Input
            aria-label="Host port"
            className="w-24"
            inputMode="numeric"
            placeholder="10022"
            value={f.hostPort}
            onChange={(e) => update({ ...f, hostPort: e.target.value })}
            invalid={!!err(j, "hostPort")}
          />
          <span className="pt-1.5">→</span>
          <Input
            aria-label="Guest port"
            className="w-24"
            inputMode="numeric"
            placeholder="22"
            value={f.guestPort}
            onChange={(e) => update({ ...f, guestPort: e.target.value })}
            invalid={!!err(j, "guestPort")}
          />
          <Button
            size="sm"
            variant="ghost"
            className="mt-0.5 text-red-700"
            onClick={() => onChange(nic.forwards.filter((x) => x.key !== f.key))}
          >
            Remove
          </Button>
          {(err(j, "hostPort") ?? err(j, "guestPort") ?? err(j, "hostAddress")) && (
            <p className="w-full text-xs text-red-700" role="alert">
              {err(j, "hostPort") ?? err(j, "guestPort") ?? err(j, "hostAddress")}
            </p>
          )}
        </div>
      ))}
      <Button size="sm" onClick={() => onChange([...nic.forwards, newForward(defaultForwardAddress(hostAddress))])}>
        Add port forward
      </Button>
      <p className="text-xs text-slate-500">
        A forward listens on one host address: the host&apos;s management address unless you choose another (127.0.0.1 keeps it to the host
        itself). Never every address.
      </p>
    </div>
  );
}

function NicEditor({
  nic,
  i,
  errors,
  hostAddress,
  onChange,
  onRemove,
}: {
  nic: NicRow;
  i: number;
  errors: FieldErrors;
  hostAddress: string | undefined;
  onChange: (n: NicRow) => void;
  onRemove: () => void;
}) {
  const macErr = errors[`nics.${i}.mac`];
  const bridgeErr = errors[`nics.${i}.network.bridge`];
  const ifnameErr = errors[`nics.${i}.network.ifname`];
  return (
    <div className="grid items-start gap-2 rounded border border-slate-200 bg-slate-50/60 p-2 sm:grid-cols-4" data-testid="nic-row">
      <Field label="Model" htmlFor={`g-nic-${i}-model`}>
        <Select id={`g-nic-${i}-model`} value={nic.model} onChange={(e) => onChange({ ...nic, model: e.target.value as NicRow["model"] })}>
          <option value="virtio">virtio</option>
          <option value="e1000">e1000</option>
          <option value="rtl8139">rtl8139</option>
        </Select>
      </Field>
      <Field label="MAC" htmlFor={`g-nic-${i}-mac`} error={macErr} hint="blank = generated">
        <Input
          id={`g-nic-${i}-mac`}
          className="font-mono"
          placeholder="52:54:00:…"
          value={nic.mac}
          onChange={(e) => onChange({ ...nic, mac: e.target.value })}
          invalid={!!macErr}
        />
      </Field>
      <Field label="Network" htmlFor={`g-nic-${i}-net`}>
        <Select id={`g-nic-${i}-net`} value={nic.net} onChange={(e) => onChange({ ...nic, net: e.target.value as NicRow["net"] })}>
          <option value="user">user-mode (NAT)</option>
          <option value="tap">TAP on a bridge</option>
        </Select>
      </Field>
      <div className="flex items-start gap-2">
        {nic.net === "tap" && (
          <Field label="Bridge" htmlFor={`g-nic-${i}-bridge`} error={bridgeErr} className="flex-1">
            <Input
              id={`g-nic-${i}-bridge`}
              className="font-mono"
              placeholder="br0"
              value={nic.bridge}
              onChange={(e) => onChange({ ...nic, bridge: e.target.value })}
              invalid={!!bridgeErr}
            />
          </Field>
        )}
        <Button size="sm" variant="ghost" className="mt-5 ml-auto text-red-700" onClick={onRemove}>
          Remove
        </Button>
      </div>
      {nic.net === "tap" && (
        <Field label="TAP name" htmlFor={`g-nic-${i}-ifname`} error={ifnameErr} hint="blank = Labdeck names it (ldt…)">
          <Input
            id={`g-nic-${i}-ifname`}
            className="font-mono"
            placeholder="tap3"
            value={nic.ifname}
            onChange={(e) => onChange({ ...nic, ifname: e.target.value })}
            invalid={!!ifnameErr}
          />
        </Field>
      )}
      {nic.net === "user" && (
        <div className="space-y-1 sm:col-span-4">
          <label className="flex items-center gap-1.5 text-xs text-slate-700">
            <input
              type="checkbox"
              checked={nic.restrict}
              onChange={(e) => onChange({ ...nic, restrict: e.target.checked })}
              data-testid={`nic-${i}-restrict`}
            />{" "}
            Restrict (QEMU restrict=on): the guest reaches only its port forwards
          </label>
          {!nic.restrict && (
            <p className="text-xs text-amber-800" role="note" data-testid={`nic-${i}-unrestricted`}>
              Without restrict, the guest reaches the host&apos;s loopback services at 10.0.2.2 (databases, admin ports, anything listening
              on 127.0.0.1 there) and every network the host can reach.
            </p>
          )}
        </div>
      )}
      {nic.net === "user" && (
        <Forwards nic={nic} i={i} errors={errors} hostAddress={hostAddress} onChange={(forwards) => onChange({ ...nic, forwards })} />
      )}
    </div>
  );
}

export function WizardNics({
  nics,
  onChange,
  errors,
  hostAddress,
}: {
  nics: NicRow[];
  onChange: (n: NicRow[]) => void;
  errors: FieldErrors;
  hostAddress?: string | undefined;
}) {
  return (
    <div className="space-y-2">
      {nics.length === 0 && <p className="text-xs text-slate-500">No network interfaces.</p>}
      {nics.map((n, i) => (
        <NicEditor
          key={n.key}
          nic={n}
          i={i}
          errors={errors}
          hostAddress={hostAddress}
          onChange={(nn) => onChange(nics.map((x) => (x.key === n.key ? nn : x)))}
          onRemove={() => onChange(nics.filter((x) => x.key !== n.key))}
        />
      ))}
      <Button size="sm" onClick={() => onChange([...nics, newNic()])} data-testid="nic-add">
        Add interface
      </Button>
    </div>
  );
}
