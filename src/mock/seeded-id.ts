/**
 * Ids that name a behaviour, so tests and scripts can use a task without creating it first:
 * `vid_x` completes normally, `size_1g` serves 1 GiB, `fail_x` fails, and so on (the table
 * is in the README). A leading `video_` or `task_` is ignored, so that ids in the OpenAI or
 * gateway style (`video_size_10m`, `task_fail_1`) work in every profile.
 */
import { parseByteSize } from './byte-size.js';

export type TaskKind = 'normal' | 'synthetic' | 'fail' | 'cancel' | 'expired' | 'never' | 'broken';

export interface SeededTask {
  kind: TaskKind;
  /** Payload size for synthetic and broken tasks. */
  size?: number;
}

/** What a `broken_` id serves when it names no size. */
const DEFAULT_BROKEN_SIZE = 1024 * 1024;

const plainKinds: Record<string, TaskKind> = {
  vid: 'normal',
  fail: 'fail',
  cancel: 'cancel',
  expired: 'expired',
  never: 'never',
};

/** Ids are path segments: anything outside this set is refused rather than interpreted. */
const idPattern = /^[A-Za-z0-9_-]{1,200}$/;

export function isValidTaskId(id: string): boolean {
  return idPattern.test(id);
}

export function parseSeededId(id: string): SeededTask | undefined {
  if (!isValidTaskId(id)) return undefined;
  const bare = id.replace(/^(video|task)_/, '');
  const [prefix = '', first = ''] = bare.split('_');
  if (first === '') return undefined;
  const plain = plainKinds[prefix];
  if (plain) return { kind: plain };
  if (prefix === 'size') {
    const size = parseByteSize(first);
    return size === undefined ? undefined : { kind: 'synthetic', size };
  }
  if (prefix === 'broken') {
    return { kind: 'broken', size: parseByteSize(first) ?? DEFAULT_BROKEN_SIZE };
  }
  return undefined;
}
