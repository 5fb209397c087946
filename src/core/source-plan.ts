import type { Variant } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { HttpError, usageError } from '../errors.js';
import { type ContentReadiness, NoContentError, NotCaughtUpError } from './content-readiness.js';
import type { ContentSource, SourceMode } from './content-source.js';
import type { DirectSource } from './direct-source.js';
import { PlannedRetry, RangeIgnoredError, TransferLimitError } from './download-errors.js';
import { FileDownload } from './file-download.js';
import type { StreamDownload } from './stream-download.js';
import type { TaskLookup } from './task-lookup.js';

/**
 * Why the gateway's `/content` cannot finish this download where a direct link might, or
 * undefined when retrying the gateway may still work. `--source auto` switches on these (and,
 * through FileDownload.leaveOnIgnoredRange, on a resume answered with the whole file: a gateway
 * that ignores Range would start every retry from zero and meet the same cut):
 * - the same cut at the same moment, attempt after attempt (the classic proxy's 60 s limit);
 * - 502 or 504: the gateway's own fetch from its upstream failed or timed out;
 * - no content for a task whose status says completed (a platform without a working `/content`),
 *   or still "not ready" when the window after completion ran out.
 */
export function gatewayCannotFinish(error: unknown): string | undefined {
  if (error instanceof TransferLimitError) return 'the gateway cuts every transfer at the same moment';
  if (error instanceof NotCaughtUpError) return 'the gateway still says not ready after the task completed';
  if (error instanceof NoContentError) return `the gateway has no content for the completed task (HTTP ${error.answer.status})`;
  if (error instanceof HttpError && error.code === 'server' && (error.status === 502 || error.status === 504)) {
    return `the gateway's fetch from its upstream failed (HTTP ${error.status}${error.serverCode === undefined ? '' : ` ${error.serverCode}`})`;
  }
  return undefined;
}

export interface SourcePlanSettings {
  id: string;
  mode: SourceMode;
  variant: Variant | undefined;
  lookup: TaskLookup;
  readiness: ContentReadiness;
  /** The task's direct link as a source. */
  direct: (task: VideoTask) => DirectSource;
  warn: (message: string) => void;
}

/**
 * Which source one download reads from, and when that changes: `direct` reads the link of a
 * completed task; `gateway` reads `/content`; `auto` reads `/content` and switches, once, to the
 * link when the gateway cannot finish and the task has one. Failed attempts of the gateway are
 * read against the task's status first (ContentReadiness).
 */
export class SourcePlan {
  readonly #settings: SourcePlanSettings;
  /** Whether the one switch `auto` allows has been used (or is not to be had). */
  #switched: boolean;

  constructor(settings: SourcePlanSettings) {
    this.#settings = settings;
    // The status object's link is the video's: a thumbnail or a spritesheet only comes from /content.
    const linkServesVariant = settings.variant === undefined || settings.variant === 'video';
    if (settings.mode === 'direct' && !linkServesVariant) {
      throw usageError(`--source direct fetches the video, and --variant ${settings.variant} asks for another file`, 'Use --source gateway (or auto) for the thumbnail and the spritesheet.');
    }
    this.#switched = settings.mode !== 'auto' || !linkServesVariant;
  }

  /** The first source: the link of the completed task for `direct`, else `gateway`. */
  async first(gateway: ContentSource): Promise<ContentSource> {
    if (this.#settings.mode !== 'direct') return gateway;
    const task = await this.#settings.lookup.current();
    const verdict = this.#settings.readiness.verdict(task);
    if (verdict !== undefined) throw verdict;
    return this.#settings.direct(task);
  }

  /**
   * Opens the part file. A run killed during a direct download goes on from the link, which holds
   * its bytes (and whose identity they are recorded under, whatever validators the CDN sent).
   */
  async open(engine: FileDownload): Promise<void> {
    if ((await engine.recordedSource()) === 'direct') await this.#switch(engine, 'the partial file came from the direct link');
    await engine.open();
    if (!this.#switched) engine.leaveOnIgnoredRange = () => this.#switch(engine, 'the gateway cut the transfer and ignores Range, so it cannot resume it');
  }

  /** Once: the rest comes from the direct link, when the task has one. */
  async #switch(engine: FileDownload, reason: string): Promise<boolean> {
    if (this.#switched) return false;
    this.#switched = true;
    engine.leaveOnIgnoredRange = undefined;
    const task = await this.#settings.lookup.current().catch(() => undefined);
    if (task?.directUrl === undefined) return false;
    this.#settings.warn(`${reason}: switching to the direct link in the task's status`);
    await engine.useSource(this.#settings.direct(task));
    return true;
  }

  /** What a failed attempt means: the error to hand to the retry loop (a PlannedRetry after a switch). */
  async recover(engine: FileDownload | StreamDownload, error: unknown): Promise<unknown> {
    const onGateway = engine.source.kind === 'gateway';
    const meaning = onGateway && error instanceof HttpError && (error.code === 'not_ready' || error.code === 'not_found') ? await this.#settings.readiness.explain(error) : error;
    const reason = onGateway ? gatewayCannotFinish(meaning) : undefined;
    // A RangeIgnoredError means the switch already happened, while the gateway's answer was open.
    const switched = meaning instanceof RangeIgnoredError || (reason !== undefined && engine instanceof FileDownload && (await this.#switch(engine, reason)));
    if (switched) return new PlannedRetry(`${this.#settings.id}: switched to the direct link`, 0, meaning);
    return meaning instanceof NoContentError ? meaning.answer : meaning;
  }
}
