// What goes into the lab VM image, as data. The cache key is a hash of everything here,
// so any change to a package list or a config file below builds a new image instead of
// silently reusing an old one: never read recipe values from anywhere else.

export const SUITE = "bookworm";
export const HOSTNAME = "labvm";
export const ROOT_LABEL = "labroot";
export const ROOT_SIZE = "4G";
/** Labdeck's working directory on the VM (LabVm.runDir). */
export const RUN_DIR = "/var/lib/labdeck";

// qemu-system-x86 is in for guests on LVM volumes (with -cpu max the VM has a /dev/kvm
// of its own, so a nested guest boots in seconds). thin-provisioning-tools is added: lvm2 only Recommends it and
// debootstrap skips recommends, but without thin_check a thin pool cannot be activated
// again after a reboot. fdisk (sfdisk) is added so tests can make partitioned disks.
// ifupdown and iptables-persistent are how a Debian host applies Labdeck's persistence
// files at boot (networking.service runs `ifup -a` over interfaces.d/labdeck;
// netfilter-persistent.service runs iptables-restore on rules.v4), so the reboot test
// proves the files work the way a real host loads them.
export const PACKAGES = [
  "openssh-server",
  "lvm2",
  "thin-provisioning-tools",
  "xfsprogs",
  "e2fsprogs",
  "bridge-utils",
  "iptables",
  "iproute2",
  "qemu-utils",
  "qemu-system-x86",
  "kmod",
  "udev",
  "systemd-sysv",
  "dbus",
  "linux-image-cloud-amd64",
  "initramfs-tools",
  "procps",
  "iputils-ping",
  "netbase",
  "socat",
  "fdisk",
  "ifupdown",
  "iptables-persistent",
] as const;

/** Files written into the root tree after debootstrap, path relative to the tree -> content. */
export const FILES: Readonly<Record<string, string>> = {
  "etc/hostname": `${HOSTNAME}\n`,
  "etc/hosts": `127.0.0.1\tlocalhost\n127.0.1.1\t${HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n`,
  "etc/fstab": `LABEL=${ROOT_LABEL}\t/\text4\trw,errors=remount-ro\t0\t1\n`,
  // QEMU user networking answers DHCP with 10.0.2.15; the name depends on the PCI slot.
  "etc/systemd/network/20-labdeck.network": "[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n",
  // ifupdown configures only what it is told to: the uplink stays with systemd-networkd,
  // and the file Labdeck writes is pulled in by the same line a stock Debian install has.
  "etc/network/interfaces":
    "# interfaces(5) file used by ifup(8) and ifdown(8)\nsource /etc/network/interfaces.d/*\n\nauto lo\niface lo inet loopback\n",
  // Debian's sshd_config includes sshd_config.d first, and the first value of a keyword wins.
  "etc/ssh/sshd_config.d/labdeck.conf": [
    "HostKey /etc/ssh/ssh_host_ed25519_key",
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    // Keys need no PAM, and pam_systemd registers every exec with logind over D-Bus:
    // measured 179 ms -> 101 ms per command under TCG.
    "UsePAM no",
    "UseDNS no",
    "MaxSessions 64",
    "MaxStartups 100:30:200",
    "AllowTcpForwarding yes",
    "AllowStreamLocalForwarding yes",
    "",
  ].join("\n"),
};

export const ENABLE_UNITS = ["systemd-networkd.service", "networking.service", "netfilter-persistent.service"] as const;

// Under TCG every background job steals time from the test: timers that fetch package
// lists (there is no network to fetch from), rebuild man pages or scrub filesystems are
// masked. wait-online would only delay boot: sshd does not need network-online.target.
export const MASK_UNITS = [
  "systemd-networkd-wait-online.service",
  "apt-daily.timer",
  "apt-daily-upgrade.timer",
  "dpkg-db-backup.timer",
  "e2scrub_all.timer",
  "e2scrub_reap.service",
  "fstrim.timer",
  "man-db.timer",
] as const;

/** Bumped by hand when build steps (not data above) change in a way the image shows. */
export const BUILD_STEPS_VERSION = 1;
