import { createHash } from 'node:crypto';

/** One video to make: what a manifest line (or the command line) asks for. */
export interface CreateJob {
  /** Where it came from, for messages and `--json`: its manifest line (1 for a single create). */
  line: number;
  prompt: string;
  model?: string | undefined;
  seconds?: string | undefined;
  size?: string | undefined;
  /** Path of the image sent as the `input_reference` file part. */
  inputReference?: string | undefined;
  /** Extra fields the gateway passes on to its provider. */
  params?: Readonly<Record<string, unknown>> | undefined;
  /** Remix this task (`POST /v1/videos/{id}/remix`) instead of making a new video. */
  remix?: string | undefined;
  /** Where its file goes; by default `<task id>.<ext>` as for `download`. */
  output?: string | undefined;
}

/** JSON with the keys of every object sorted, so the same job always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The journal's key of each job: a hash of what is sent to make it (not where its file goes,
 * which may change without making another video) and of its position among the jobs that ask
 * for the very same thing, so that two identical lines are two videos while lines inserted,
 * removed or moved elsewhere leave every other job's key, and its task, as they were.
 */
export function jobKeys(jobs: readonly CreateJob[]): string[] {
  const seen = new Map<string, number>();
  return jobs.map((job) => {
    const content = canonical({
      prompt: job.prompt,
      model: job.model,
      seconds: job.seconds,
      size: job.size,
      inputReference: job.inputReference,
      params: job.params,
      remix: job.remix,
    });
    const occurrence = seen.get(content) ?? 0;
    seen.set(content, occurrence + 1);
    return createHash('sha256').update(`${content}#${occurrence}`).digest('hex').slice(0, 32);
  });
}
