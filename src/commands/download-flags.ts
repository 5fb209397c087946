import type { Variant } from '../api/client.js';
import type { SourceMode } from '../core/content-source.js';

/** The flags of `ezvideo download`, also accepted by `ezvideo wait --then-download`. */
export interface DownloadFlags {
  /** `-o <file>`, or `-` for stdout; only with one id, unless it is a template with `{id}` or `{index}`. */
  output?: string | undefined;
  /** `--dir <dir>`: where `<id>.<ext>` files go (created if missing); may be a template. */
  dir?: string | undefined;
  /** `--variant a,b` or `all`: the files of each task to download (default: the video). */
  variant?: Variant[] | undefined;
  /** `--archive <file>`: the record of landed files; what it has is skipped with no request. */
  archive?: string | undefined;
  /** `--write-info-json`: `<file>.info.json` beside each file landed. */
  writeInfoJson: boolean;
  /** `--exec <command>`: run through the shell after each file lands, its path as `$1`. */
  exec?: string | undefined;
  /** `--exec-after <command>`: run once after the batch, the result lines on its stdin. */
  execAfter?: string | undefined;
  force: boolean;
  skipExisting: boolean;
  /** How many ids are downloaded at once. */
  concurrency: number;
  /** Connections per file (ranges fetched in parallel where the server honours them); default 1. */
  connections?: number | undefined;
  /** Retries after the first attempt, per id. */
  retries: number;
  /** Overall budget per id, in ms. */
  maxTime?: number | undefined;
  /** `--max-filesize`, in bytes: bigger files are refused. */
  maxFilesize?: number | undefined;
  /** `--min-filesize`, in bytes: smaller files are refused (an error page served as the video). */
  minFilesize?: number | undefined;
  /** `--limit-rate`, in bytes per second, for the whole run (all ids and connections together). */
  limitRate?: number | undefined;
  /** Structure check before the file lands (`--no-verify` turns it off). */
  verify: boolean;
  /** Expected sha256 (hex), one id only. */
  sha256?: string | undefined;
  /** `--source`: overrides EZVIDEO_SOURCE and the stored setting. */
  source?: SourceMode | undefined;
  /** `--content-wait <dur>` in ms: how long /content may say "not ready" after completion. */
  contentWait?: number | undefined;
  /** `--input <file>` or `-`: more ids, one per line. */
  input?: string | undefined;
}
