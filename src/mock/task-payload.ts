/**
 * Which bytes a task serves: the committed sample files for normal tasks and for the
 * thumbnail and spritesheet variants, a synthetic MP4 for `size_` and `broken_` tasks. A
 * payload depends on the task's version (the `etagChanges` fault makes a new file each time)
 * and on the `brokenStructure` fault, and is cached so that its SHA-256 is computed once.
 */
import { createHash } from 'node:crypto';
import { bufferSource, makePayload } from './payload.js';
import type { Payload } from './payload.js';
import { hashString } from './prng.js';
import { sampleAsset } from './sample-assets.js';
import type { Variant } from './sample-assets.js';
import { syntheticMp4 } from './synthetic-mp4.js';
import type { MockTask } from './task-store.js';

/** Kinds that never have content to serve. */
const contentless = new Set(['fail', 'cancel', 'never', 'expired']);

const cache = new WeakMap<MockTask, Map<string, Payload>>();

export function hasContent(task: MockTask): boolean {
  return !contentless.has(task.kind);
}

export function taskPayload(task: MockTask, variant: Variant, broken: boolean, seed: number): Payload {
  const key = `${variant}|${task.version}|${broken}|${seed}`;
  let perTask = cache.get(task);
  if (!perTask) {
    perTask = new Map();
    cache.set(task, perTask);
  }
  let payload = perTask.get(key);
  if (!payload) {
    // Only the current version is ever served again; older ones would only hold memory.
    perTask.clear();
    payload = makePayload(source(task, variant, broken || task.kind === 'broken', seed));
    perTask.set(key, payload);
  }
  return payload;
}

function source(task: MockTask, variant: Variant, broken: boolean, seed: number) {
  // Each version is "modified" one second later, so If-Range by date sees the change too.
  const lastModified = new Date(task.createdAtMs + task.generationTimeMs + task.version * 1000);
  const tag = (text: string) => `"${text}-v${task.version}${broken ? '-b' : ''}"`;
  if (task.size === undefined || variant !== 'video') {
    const asset = sampleAsset(variant);
    const bytes = broken ? breakFirstBox(asset.bytes) : asset.bytes;
    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    return bufferSource(bytes, asset.contentType, tag(digest), lastModified);
  }
  const base = hashString(`${task.id}#${task.version}`);
  return syntheticMp4({
    size: task.size,
    seed,
    base,
    broken,
    contentType: 'video/mp4',
    etag: tag(`${base.toString(16)}-${task.size.toString(16)}`),
    lastModified,
  });
}

/** Same length, but the first box claims 8 bytes less, so the box structure no longer adds up. */
function breakFirstBox(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeUInt32BE(copy.readUInt32BE(0) - 8, 0);
  return copy;
}
