// QEMU as a guest kind: the contract (../contract.ts) over this folder's builders and
// parsers. Nothing here decides anything itself; each part names the module that does.
import type { Hypervisor } from "../contract";
import { planQemuStart } from "./start";
import { checkStartable, resolveAccelFor } from "./definition-checks";
import { guestRunFiles, ZGuestDefinition, type GuestRunFiles, type TGuestDefinition, type TGuestDefinitionInput } from "./guest-definition";
import {
  guestTapNames,
  nicTapName,
  planDeleteGuest,
  planForceStop,
  planPauseGuest,
  planRebootGuest,
  planResumeGuest,
  planShutdownGuest,
  tapCleanupSteps,
  waitForExitStep,
} from "./guest-plans";
import { readQemuState } from "./guest-state";
import { readQemuAddresses } from "./addresses";
import { scanUnmanagedQemu } from "./adopt";
import { importQemuCommandLine } from "./import-cmdline";
import { importForHost } from "./import-defaults";
import { fillMacs } from "./mac";

function shutdown(def: TGuestDefinition, files: GuestRunFiles, waitS: number) {
  const plan = planShutdownGuest({ name: def.name, files });
  plan.steps.push(waitForExitStep(files, waitS), ...tapCleanupSteps(guestTapNames(def)));
  return plan;
}

export const qemu: Hypervisor<TGuestDefinition, TGuestDefinitionInput, GuestRunFiles> = {
  kind: "qemu",
  label: "QEMU",
  definition: {
    schema: ZGuestDefinition,
    check: checkStartable,
    withMacs(def, inUse) {
      const macs = fillMacs(def.nics, inUse);
      return { ...def, nics: def.nics.map((n, i) => ({ ...n, mac: macs[i] })) };
    },
    relinkNic(def, index, bridge) {
      // A NIC taken off its bridge becomes user-mode with restrict=on: unplugging it must not
      // hand the guest the host's loopback services at 10.0.2.2.
      return {
        ...def,
        nics: def.nics.map((n, j) =>
          j !== index
            ? n
            : {
                ...n,
                network: bridge === null ? { kind: "user" as const, restrict: true, forwards: [] } : { kind: "tap" as const, bridge },
              },
        ),
      };
    },
    disks: (def) => def.disks,
    nics: (def) =>
      def.nics.map((n, index) => ({
        index,
        mac: n.mac,
        model: n.model,
        kind: n.network.kind,
        bridge: n.network.kind === "tap" ? n.network.bridge : null,
        tap: nicTapName(def, index),
        tapName: n.network.kind !== "tap" ? null : n.network.ifname === undefined ? "generated" : "kept",
      })),
    accel: (def, host) => resolveAccelFor(def, host.probe),
  },
  files: guestRunFiles,
  plans: {
    start: planQemuStart,
    shutdown,
    forceStop: (def, files) => planForceStop({ name: def.name, files, taps: guestTapNames(def) }),
    reboot: (def, files) => planRebootGuest({ name: def.name, files }),
    pause: (def, files) => planPauseGuest({ name: def.name, files }),
    resume: (def, files) => planResumeGuest({ name: def.name, files }),
    remove: (def, files, o) => planDeleteGuest({ name: def.name, files, roots: o.roots, removeImages: o.removeImages }),
  },
  readState: readQemuState,
  readAddresses: readQemuAddresses,
  importer: {
    fromText: importQemuCommandLine,
    forHost: (r, host) => importForHost(r, { name: host.name, probe: host.probe }),
  },
  scanUnmanaged: scanUnmanagedQemu,
};
