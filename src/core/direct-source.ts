import { linkExpiresAtMs } from '../api/direct-link.js';
import type { VideoApiClient } from '../api/client.js';
import type { HttpResponse } from '../api/transport.js';
import type { VideoTask } from '../api/video.js';
import { EzvideoError, HttpError } from '../errors.js';
import type { ContentSource } from './content-source.js';

export interface DirectSourceSettings {
  client: Pick<VideoApiClient, 'openLink'>;
  id: string;
  /** The task whose status carried the link (its `directUrl` must be set). */
  task: VideoTask;
  /** A new status call, for a fresh link once this one has expired. */
  freshTask: () => Promise<VideoTask>;
  now: () => number;
  onRefresh: (message: string) => void;
}

/** A link this close to its expiry is not worth starting a request with. */
const expiryMarginMs = 2_000;

/** Answers of a CDN to a link it no longer accepts: signed links expire or are revoked. */
const refusedStatuses = new Set([401, 403, 404, 410]);

/**
 * The direct link of a task's status object as a content source. It is sent without the API key
 * (VideoApiClient.openLink). A signed link expires: one that has (by its own query or the task's
 * `expires_at`) is not tried, and one the server refuses is renewed once from a new status call
 * before the refusal counts.
 */
export class DirectSource implements ContentSource {
  readonly kind = 'direct';
  readonly identity: string;
  readonly #settings: DirectSourceSettings;
  #link: string;
  #expiresAtMs: number | undefined;
  #renewing: Promise<void> | undefined;

  constructor(settings: DirectSourceSettings) {
    this.#settings = settings;
    this.#link = DirectSource.#linkOf(settings.task, settings.id);
    this.#expiresAtMs = linkExpiresAtMs(this.#link, settings.task.expiresAt);
    // The query is the link's signature: it changes with every renewal and is a credential.
    const url = new URL(this.#link);
    this.identity = `${url.origin}${url.pathname}`;
  }

  static #linkOf(task: VideoTask, id: string): string {
    if (task.directUrl !== undefined) return task.directUrl;
    throw new EzvideoError('not_found', `${id}: the task's status carries no direct link (metadata.url or the like)`, {
      hint: 'Use --source gateway (or auto) to download through the API.',
    });
  }

  #expired(expiresAtMs: number | undefined): boolean {
    return expiresAtMs !== undefined && this.#settings.now() >= expiresAtMs - expiryMarginMs;
  }

  /**
   * A fresh link from a new status call, in place of `used`. Connections of one download share
   * it: each that finds its link stale waits for the same renewal, and one whose link was
   * already replaced meanwhile just takes the new one.
   */
  async #renew(reason: string, used: string): Promise<void> {
    if (this.#link !== used) return;
    this.#renewing ??= this.#fetchFresh(reason, used).finally(() => {
      this.#renewing = undefined;
    });
    await this.#renewing;
  }

  async #fetchFresh(reason: string, used: string): Promise<void> {
    const task = await this.#settings.freshTask();
    const link = DirectSource.#linkOf(task, this.#settings.id);
    const expiresAtMs = linkExpiresAtMs(link, task.expiresAt);
    if (link === used || this.#expired(expiresAtMs)) {
      throw new EzvideoError('expired', `${this.#settings.id}: ${reason}, and the status gives no fresh link`, {
        hint: 'Use --source gateway to download through the API, or generate the video again.',
      });
    }
    this.#link = link;
    this.#expiresAtMs = expiresAtMs;
    this.#settings.onRefresh(`${reason}; using a fresh one from the status`);
  }

  async open(request: Parameters<ContentSource['open']>[0]): Promise<HttpResponse> {
    if (this.#expired(this.#expiresAtMs)) await this.#renew('the direct link has expired', this.#link);
    const used = this.#link;
    try {
      return await this.#settings.client.openLink(this.#settings.id, used, request);
    } catch (error) {
      if (!(error instanceof HttpError) || !refusedStatuses.has(error.status)) throw error;
      await this.#renew(`the direct link was refused (HTTP ${error.status})`, used);
      return this.#settings.client.openLink(this.#settings.id, this.#link, request).catch((again: unknown) => {
        throw again instanceof HttpError && refusedStatuses.has(again.status) ? refusedLinkError(this.#settings.id, again) : again;
      });
    }
  }
}

/** A CDN's 403 is about the link, not the API key: it must not read as exit 3 "key refused". */
function refusedLinkError(id: string, error: HttpError): EzvideoError {
  const said = error.serverMessage === undefined ? '' : `: ${error.serverMessage}`;
  return new EzvideoError(error.status === 404 || error.status === 410 ? 'expired' : 'server', `${id}: the direct link was refused (HTTP ${error.status})${said}`, {
    cause: error,
    hint: 'Use --source gateway to download through the API instead.',
  });
}
