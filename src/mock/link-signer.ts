/**
 * Signs the direct links the simulator hands out (the newapi capability URL, the CDN's
 * pre-signed URL): an HMAC-SHA256 of `id.expiry` under a secret drawn afresh for each
 * simulator, so that no test can forge a link, not even from the seed, and a link from one
 * run never works against another.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `valid`, or why a link is refused: a signature that does not match, or an expiry passed. */
export type LinkCheck = 'valid' | 'invalid' | 'expired';

export class LinkSigner {
  private readonly secret = randomBytes(32);

  /** Hex signature of `id.expiry`; the expiry is signed as the text that travels in the URL. */
  sign(id: string, expiry: string): string {
    return createHmac('sha256', this.secret).update(`${id}.${expiry}`).digest('hex');
  }

  /**
   * The signature is checked before the expiry: an expiry is only worth reading once the
   * signature vouches for it.
   */
  check(id: string, expiry: string, signature: string, now: number): LinkCheck {
    if (!/^\d{1,12}$/.test(expiry) || !/^[0-9a-f]{64}$/.test(signature)) return 'invalid';
    const expected = Buffer.from(this.sign(id, expiry), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
    return now >= Number(expiry) * 1000 ? 'expired' : 'valid';
  }
}

/**
 * The expiry, in Unix seconds, of a link issued at `now` for `lifetimeMs`. Rounded up, so a
 * link lives at least its lifetime (and at most a second more), never less.
 */
export function linkExpiry(now: number, lifetimeMs: number): string {
  return String(Math.ceil((now + lifetimeMs) / 1000));
}
