// How often the server re-reads a watched host's learned guest addresses (the shared
// refresher, services/guest-addresses-live.ts); the page says "refreshed every …" with it.
export const ADDRESS_REFRESH_MS = 10_000;
