/** The host key file whose fingerprint `ssh-keygen -lf` should show for this algorithm. */
export function hostKeyFile(algorithm: string): string {
  if (algorithm.includes("ed25519")) return "/etc/ssh/ssh_host_ed25519_key.pub";
  if (algorithm.startsWith("ecdsa")) return "/etc/ssh/ssh_host_ecdsa_key.pub";
  if (algorithm.includes("rsa")) return "/etc/ssh/ssh_host_rsa_key.pub";
  return "/etc/ssh/ssh_host_ed25519_key.pub";
}
