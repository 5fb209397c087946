import type { VideoApiClient } from '../api/client.js';
import type { VideoTask } from '../api/video.js';

/**
 * One download's view of its task's status: the one the caller already had (from `wait`), or
 * one status call made the first time it is needed, and a new call when a fresh direct link is
 * wanted. A plain download that goes well never calls it.
 */
export class TaskLookup {
  readonly #client: Pick<VideoApiClient, 'getVideo'>;
  readonly #id: string;
  readonly #signal: AbortSignal | undefined;
  #task: Promise<VideoTask> | undefined;

  constructor(client: Pick<VideoApiClient, 'getVideo'>, id: string, known: VideoTask | undefined, signal: AbortSignal | undefined) {
    this.#client = client;
    this.#id = id;
    this.#signal = signal;
    this.#task = known === undefined ? undefined : Promise.resolve(known);
  }

  current(): Promise<VideoTask> {
    this.#task ??= this.fresh();
    return this.#task;
  }

  async fresh(): Promise<VideoTask> {
    const { pollAfterMs: _pollAfterMs, ...task } = await this.#client.getVideo(this.#id, this.#signal);
    this.#task = Promise.resolve(task);
    return task;
  }
}
