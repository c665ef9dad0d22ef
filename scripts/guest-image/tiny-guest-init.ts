// The tiny guest's userland: /init and its helpers, as text baked into the initramfs.
// Tests wait for BANNER on the serial log and talk to the shell that follows it, so the
// banner must be printed only once eth0 and the greeting service are up, and the last
// thing /init does must be the endless `setsid cttyhack sh -l` loop (PID 1 must never exit).

export const BANNER = "labdeck tiny guest ready";
/** What a TCP client reads from the guest's port 22 service (port-forward tests). */
export const GREETING = "hello from labdeck tiny guest";

// LAB-HOSTS.md order: each module needs the ones before it. button + evdev let busybox
// acpid see the ACPI power button, so QMP system_powerdown really powers the guest off.
export const MODULE_ORDER = [
  "virtio_ring",
  "virtio",
  "virtio_pci_modern_dev",
  "virtio_pci_legacy_dev",
  "virtio_pci",
  "failover",
  "net_failover",
  "virtio_net",
  "virtio_blk",
  "button",
  "evdev",
] as const;

export const INIT_SCRIPT = `#!/bin/sh
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /tmp
exec </dev/ttyS0 >/dev/ttyS0 2>&1
for m in ${MODULE_ORDER.join(" ")}; do
  [ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko
done
ip link set lo up
addr=; gw=
for w in $(cat /proc/cmdline); do
  case "$w" in
    labdeck.ip=*) addr="\${w#labdeck.ip=}" ;;
    labdeck.gw=*) gw="\${w#labdeck.gw=}" ;;
  esac
done
if [ -n "$addr" ] && [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  ip addr add "$addr" dev eth0
  [ -n "$gw" ] && ip route add default via "$gw"
fi
acpid -d -c /etc/acpi &
nc -ll -p 22 -e /etc/greet &
echo "${BANNER}"
while true; do
  setsid cttyhack sh -l
done
`;

export const GREET_SCRIPT = `#!/bin/sh
echo "${GREETING}"
`;

// busybox acpid runs /etc/acpi/PWRF/00000080 on a power-button press. -f: PID 1 is this
// shell script, not an init that understands busybox poweroff's signal.
export const POWER_BUTTON_SCRIPT = `#!/bin/sh
echo "labdeck tiny guest: power button, powering off"
sync
poweroff -f
`;

export const PROFILE = `export PS1='tiny# '
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
`;
