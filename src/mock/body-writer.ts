/**
 * Writes a body from zero-copy chunks, honouring backpressure, and applying the faults that
 * act on the flow of bytes: a stall at a given byte, a per-connection rate, and a stop after
 * N bytes (the caller decides whether the stop is a reset, a close or a clean end).
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Writable } from 'node:stream';

export interface BodyPlan {
  chunks: Iterable<Buffer>;
  /** Write at most this many bytes. */
  limit?: number;
  stall?: { afterBytes: number; ms: number };
  /** Bytes per second. */
  throttle?: number;
}

export type BodyOutcome = 'complete' | 'limit' | 'aborted';

/**
 * Largest piece written at once when throttled: small enough to keep the rate smooth. Tests
 * place resets on multiples of it, where a throttled reset always falls between two pieces.
 */
export const MAX_THROTTLE_PIECE = 64 * 1024;

export async function writeBody(
  out: Writable,
  plan: BodyPlan,
  signal: AbortSignal,
  onBytes: (count: number) => void,
): Promise<BodyOutcome> {
  const { limit, stall, throttle } = plan;
  const piece = throttle === undefined ? Infinity : Math.max(1, Math.min(MAX_THROTTLE_PIECE, Math.floor(throttle / 20)));
  const startedAt = performance.now();
  let sent = 0;
  let stalled = stall === undefined;
  for (let chunk of plan.chunks) {
    while (chunk.length > 0) {
      if (signal.aborted) return 'aborted';
      if (limit !== undefined && sent >= limit) return 'limit';
      if (!stalled && stall && sent >= stall.afterBytes) {
        stalled = true;
        if (!(await pause(stall.ms, signal))) return 'aborted';
        continue;
      }
      let take = Math.min(chunk.length, piece);
      if (limit !== undefined) take = Math.min(take, limit - sent);
      if (!stalled && stall) take = Math.min(take, stall.afterBytes - sent);
      if (throttle !== undefined) {
        // Pace against the start, not the previous write, so timer lateness does not add up.
        const due = startedAt + ((sent + take) / throttle) * 1000;
        const wait = due - performance.now();
        if (wait > 1 && !(await pause(wait, signal))) return 'aborted';
      }
      const ok = out.write(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      sent += take;
      onBytes(take);
      if (!ok && !(await drained(out, signal))) return 'aborted';
    }
  }
  return limit !== undefined && sent >= limit ? 'limit' : 'complete';
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

async function drained(out: Writable, signal: AbortSignal): Promise<boolean> {
  try {
    await once(out, 'drain', { signal });
    return true;
  } catch {
    return false;
  }
}
