/**
 * What a format checker concludes about a file: it holds together, or one sentence a person can
 * act on saying where it does not.
 */
export type Verdict = { ok: true } | { ok: false; reason: string };

export const passed: Verdict = { ok: true };

export function failed(reason: string): Verdict {
  return { ok: false, reason };
}
