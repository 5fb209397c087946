import type { DownloadEvent } from '../core/events.js';
import { SpeedMeter } from './speed-meter.js';

type StartEvent = Extract<DownloadEvent, { type: 'download-start' }>;
type ProgressEvent = Extract<DownloadEvent, { type: 'download-progress' }>;

/**
 * What a reporter knows about one download, across its attempts: enough to draw a bar, write a
 * progress line, and sum up speed and time when it is done.
 */
export class DownloadProgress {
  readonly id: string;
  path: string;
  bytes: number;
  totalBytes: number | undefined;
  /** When the first attempt started and what was already on disk then: the basis of the average. */
  readonly startedAt: number;
  readonly startOffset: number;
  #meter = new SpeedMeter();

  constructor(event: StartEvent, now: number) {
    this.id = event.id;
    this.path = event.path;
    this.bytes = event.offset;
    this.totalBytes = event.totalBytes;
    this.startedAt = now;
    this.startOffset = event.offset;
    this.#meter.record(now, event.offset);
  }

  /** A new attempt: the offset may have moved back (a server that cannot resume restarts at 0). */
  restart(event: StartEvent, now: number): void {
    this.path = event.path;
    this.bytes = event.offset;
    this.totalBytes = event.totalBytes;
    this.#meter = new SpeedMeter();
    this.#meter.record(now, event.offset);
  }

  update(event: ProgressEvent, now: number): void {
    this.bytes = event.bytes;
    this.totalBytes = event.totalBytes ?? this.totalBytes;
    this.#meter.record(now, event.bytes);
  }

  /** 0..100, or undefined when the server sent no length. */
  percent(): number | undefined {
    if (this.totalBytes === undefined || this.totalBytes <= 0) return undefined;
    return Math.min(100, (this.bytes / this.totalBytes) * 100);
  }

  speed(now: number): number | undefined {
    return this.#meter.bytesPerSecond(now);
  }

  /** Milliseconds left at the current speed, or undefined when that cannot be known. */
  etaMs(now: number): number | undefined {
    const speed = this.speed(now);
    if (this.totalBytes === undefined || speed === undefined || speed <= 0) return undefined;
    return (Math.max(0, this.totalBytes - this.bytes) / speed) * 1000;
  }
}
