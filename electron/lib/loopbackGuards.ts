import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The two checks both local servers (the headless UI server and the API server) make on every request.
 *
 * A Host naming anything but this loopback server means DNS rebinding (a page on `evil.example` whose name now
 * resolves to 127.0.0.1) or a proxy: refuse. `127.0.0.1.nip.io` and an empty Host fail the exact match too.
 */
export function loopbackHostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * A token or key compared in constant time whatever the lengths: both sides are hashed to 32 bytes first, so
 * neither how much matched nor how long the guess was shows in the time taken.
 */
export function secretsEqual(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
