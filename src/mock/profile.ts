/**
 * A profile is one server's dialect: its ids, status words, error shapes, and what its
 * `/content` supports. The request handling is shared; everything a real server does
 * differently is answered here, one file per server in profiles/.
 */
export type ProfileName = 'ideal' | 'openai' | 'ezmodel' | 'newapi';

export const PROFILE_NAMES: readonly ProfileName[] = ['ideal', 'openai', 'ezmodel', 'newapi'];

export type TaskPhase = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** A task as a profile needs it to describe it, at the moment of the request. */
export interface TaskView {
  id: string;
  phase: TaskPhase;
  /** 0..100 */
  progress: number;
  /** Unix seconds. */
  createdAt: number;
  completedAt: number | undefined;
  expiresAt: number | undefined;
  /** The content is gone although the task completed. */
  expired: boolean;
  model: string;
  size: string;
  seconds: string;
  prompt: string;
  /** The task a remix was made from (`remixed_from_video_id`). */
  remixedFrom: string | undefined;
  /** Why a failed or cancelled task ended. */
  errorMessage: string | undefined;
}

export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface ContentSupport {
  /** HEAD /content is routed (ezmodel: it is not, and answers 404). */
  head: boolean;
  /** Range and If-Range are honoured. */
  ranges: boolean;
  /** `variant=thumbnail|spritesheet` serves those files (ezmodel: always the mp4). */
  variants: boolean;
  /** Sends `Content-Disposition: attachment; filename="video.mp4"`. */
  disposition: boolean;
  /** An If-None-Match that matches the ETag is answered 304 (the artifact proxy relays it). */
  notModified: boolean;
  /** Added to every content response. */
  headers: Record<string, string>;
}

/**
 * What `metadata.url` of a completed task points to: nothing, a signed capability URL on the
 * gateway itself, or a pre-signed URL on the provider's CDN (the second origin).
 */
export type LinkKind = 'none' | 'capability' | 'cdn';

export interface Profile {
  readonly name: ProfileName;
  readonly content: ContentSupport;
  readonly links: LinkKind;
  /** A fresh id in this server's style, from a source of random numbers in [0, 1). */
  newTaskId(random: () => number): string;
  /** `link`: the direct link to hand out (completed tasks of profiles that have links). */
  videoObject(task: TaskView, link: string | undefined): Record<string, unknown>;
  /** Extra headers on status answers (OpenAI's `openai-poll-after-ms`). */
  statusHeaders(task: TaskView, generationTimeMs: number): Record<string, string>;
  unauthorized(): Reply;
  routeNotFound(method: string, path: string): Reply;
  badRequest(message: string): Reply;
  statusNotFound(id: string): Reply;
  contentNotFound(id: string): Reply;
  /** Content asked of a task that is queued, in progress, failed or cancelled. */
  contentNotReady(task: TaskView): Reply;
  contentExpired(task: TaskView): Reply;
  /** Content asked of a completed task within the `contentLagMs` fault's window. */
  contentLagging(task: TaskView): Reply;
  /** The error body of an injected `failFirst` status (429, 5xx). */
  injectedError(status: number): Reply;
}

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body), ...(headers ? { headers } : {}) };
}

export function randomId(random: () => number, length: number, alphabet: string): string {
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)] ?? '';
  return id;
}

export const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
