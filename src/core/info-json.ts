import type { Variant } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import { withoutSecrets } from '../redact.js';
import { toOutputError } from './download-errors.js';
import type { DownloadResult } from './events.js';
import { writeJsonAtomically } from './part-state.js';

/** Where `--write-info-json` puts a file's record: beside it, `<file>.info.json`. */
export function infoJsonPath(path: string): string {
  return `${path}.info.json`;
}

/** What `<file>.info.json` holds: the task as the server sent it, and how the file was fetched. */
export interface InfoJson {
  task: unknown;
  download: {
    id: string;
    variant: Variant;
    path: string;
    url: string | null;
    source: string | null;
    bytes: number;
    sha256: string | null;
    contentType: string | null;
    attempts: number;
    resumed: boolean;
    verified: DownloadResult['verified'];
    startedAt: string;
    finishedAt: string;
  };
}

/** `secrets` (the API key) are cut out of the task object wherever a server echoed them. */
export function infoJsonOf(result: DownloadResult, variant: Variant, task: VideoTask | undefined, finishedAt: number, secrets: readonly string[]): InfoJson {
  return {
    // The object as sent, not ezvideo's reading of it: fields ezvideo does not know are kept.
    task: withoutSecrets(task?.raw ?? null, secrets),
    download: {
      id: result.id,
      variant,
      path: result.path,
      url: result.url ?? null,
      source: result.source ?? null,
      bytes: result.bytes,
      sha256: result.sha256 ?? null,
      contentType: result.contentType ?? null,
      attempts: result.attempts,
      resumed: result.resumed,
      verified: result.verified,
      startedAt: new Date(finishedAt - result.elapsedMs).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
    },
  };
}

/**
 * Writes the record once the file has landed, under a temporary name renamed into place, so a
 * reader never sees half a record; returns its path.
 */
export async function writeInfoJson(info: InfoJson): Promise<string> {
  const path = infoJsonPath(info.download.path);
  try {
    await writeJsonAtomically(path, info);
  } catch (error) {
    throw toOutputError(error, path);
  }
  return path;
}
