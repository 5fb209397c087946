import { errorFromResponse } from '../../src/api/classify-response.js';
import { parseVideo } from '../../src/api/parse-video.js';
import type { VideoApiClient } from '../../src/api/client.js';
import { EzvideoError } from '../../src/errors.js';

type GetVideo = VideoApiClient['getVideo'];
type Answer = Awaited<ReturnType<GetVideo>>;

/** What one status request gets: a video object (as the server would send it) or a failure. */
export type Reply =
  | { body: Record<string, unknown>; pollAfterMs?: number }
  | { status: number; body?: string; headers?: Record<string, string> }
  | { network: string; causeCode?: string };

/** Answers the `call`-th request (0-based) for a task, at virtual time `now`. */
export type Script = (call: number, now: number) => Reply;

/** A running task that completes on call `doneAt` (0-based), with the given final fields. */
export function completesAfter(doneAt: number, final: Record<string, unknown> = {}): Script {
  return (call) =>
    call < doneAt
      ? { body: { status: 'in_progress', progress: Math.floor((100 * call) / doneAt) } }
      : { body: { status: 'completed', progress: 100, model: 'sora-2', size: '1280x720', seconds: '8', ...final } };
}

export const always =
  (reply: Reply): Script =>
  () =>
    reply;

/**
 * A stand-in for VideoApiClient.getVideo that answers from per-id scripts and records when each
 * request was made. Bodies go through the real parseVideo and errors through the real
 * errorFromResponse, so the engine sees exactly what the client would give it.
 */
export class FakeVideoClient {
  readonly requests: Array<{ id: string; at: number }> = [];
  readonly #scripts: Map<string, Script>;
  readonly #now: () => number;

  constructor(scripts: Record<string, Script>, now: () => number) {
    this.#scripts = new Map(Object.entries(scripts));
    this.#now = now;
  }

  callsOf(id: string): number[] {
    return this.requests.filter((request) => request.id === id).map((request) => request.at);
  }

  readonly getVideo: GetVideo = async (id, signal) => {
    signal?.throwIfAborted();
    const at = this.#now();
    const call = this.callsOf(id).length;
    this.requests.push({ id, at });
    const script = this.#scripts.get(id);
    if (script === undefined) throw errorFromResponse(`${id}: status`, 404, {}, '{"error":{"message":"not found","code":"video_not_found"}}');
    const reply = script(call, at);
    if ('network' in reply) {
      throw new EzvideoError('network', `${id}: status: ${reply.network}`, { causeCode: reply.causeCode });
    }
    if ('status' in reply) {
      throw errorFromResponse(`${id}: status`, reply.status, reply.headers ?? {}, reply.body ?? '');
    }
    const answer: Answer = { ...parseVideo({ id, ...reply.body }, id), pollAfterMs: reply.pollAfterMs };
    return answer;
  };
}
