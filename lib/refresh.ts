// How often the server re-reads a watched host for the pages' shared background views
// (one read per host per interval, whoever watches); the pages say "read again every …"
// with the same figures.

/** The network page's live view (services/network/network-live.ts). */
export const NETWORK_REFRESH_MS = 10_000;

/** The guest list's learned addresses (services/guest-addresses-live.ts). */
export const ADDRESS_REFRESH_MS = 10_000;
