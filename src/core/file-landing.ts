import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { usageError } from '../errors.js';
import { brokenFileError, checksumMismatchError, TruncatedTransferError } from './download-errors.js';
import type { AttemptResult, EventSink } from './events.js';
import { extensionFor } from './file-name.js';
import { checkFileStructure, type StructureCheck } from './integrity/check-structure.js';
import type { PartFile } from './part-file.js';

export interface LandingSettings {
  id: string;
  path: string;
  /** Default names (`<id>.<ext>`) and templates ending in `.{ext}`: the extension follows the type the server really sent. */
  renameByType: boolean;
  existing: 'refuse' | 'overwrite' | 'skip';
  verify: boolean;
  expectedSha256: string | undefined;
  emit: EventSink;
}

/** What the landing reports; the engine adds the attempts, the source and whether it resumed. */
export type Landed = Pick<AttemptResult, 'path' | 'bytes' | 'contentType' | 'sha256' | 'skipped' | 'verified'>;

/**
 * A name whose extension is ezvideo's guess follows the type the server sent, so the file that
 * lands may be another one than the name checked before the download (`<id>.mp4` where
 * `<id>.webp` was asked). Only the extension changes.
 */
export function finalPath(settings: Pick<LandingSettings, 'path' | 'renameByType'>, contentType: string | undefined): string {
  const { path, renameByType } = settings;
  if (!renameByType || contentType === undefined) return path;
  const extension = extensionFor(contentType);
  const current = extname(path);
  if (extension === '.bin' || current.toLowerCase() === extension) return path;
  return `${path.slice(0, path.length - current.length)}${extension}`;
}

/** The rule for an existing output applies to a renamed one too. Returns true to keep it. */
async function keepsExisting(settings: LandingSettings, path: string): Promise<boolean> {
  const exists = await stat(path).then(() => true, () => false);
  if (!exists || settings.existing === 'overwrite') return false;
  if (settings.existing === 'skip') return true;
  throw usageError(`${path} already exists (the server sent another type than the name asked for)`, 'Use --force to replace it, or --skip-existing to keep it.');
}

/**
 * The structure check decides between "landed", "retry" and "broken". Without a
 * Content-Length a clean early end looks like success to HTTP, so a failed check there is a
 * truncated transfer (retryable); with a matched Content-Length it is a broken file.
 */
async function checkStructure(part: PartFile, settings: LandingSettings): Promise<StructureCheck> {
  const { id, emit } = settings;
  // No flush first: the check reads through the page cache, which already holds every byte
  // written; the file is flushed once, right before the rename, and only if it passed.
  const check = await checkFileStructure(part.partPath, part.state?.contentType);
  if (check.ok) return check;
  const reason = check.reason ?? 'the structure check failed';
  if (!settings.verify) {
    emit({ type: 'download-warning', id, message: `the file failed the structure check (${reason}); kept because of --no-verify` });
    return check;
  }
  if (part.state?.totalBytes === undefined) {
    throw new TruncatedTransferError(`${id}: the transfer ended early without a Content-Length: ${reason}`);
  }
  await part.discard();
  throw brokenFileError(id, reason);
}

/**
 * A whole part file's checks (length on disk, structure, checksum) and its landing: renamed into
 * place only once all of them passed.
 */
export async function landPartFile(part: PartFile, settings: LandingSettings): Promise<Landed> {
  const { id, emit } = settings;
  const contentType = part.state?.contentType;
  await part.checkSizeOnDisk(id);
  const check = await checkStructure(part, settings);
  const verified = !check.checked ? 'unchecked' : check.ok ? 'ok' : 'failed';
  const sha256 = part.sha256;
  const expected = settings.expectedSha256?.toLowerCase();
  if (expected !== undefined && expected !== sha256) {
    await part.discard();
    // The engine hashes whenever a sha256 is expected (download.ts), so "none" would be a bug.
    throw checksumMismatchError(id, expected, sha256 ?? 'none computed');
  }
  const path = finalPath(settings, contentType);
  if (path !== settings.path && (await keepsExisting(settings, path))) {
    await part.discard();
    emit({ type: 'download-done', id, path, bytes: 0, skipped: true });
    return { path, bytes: part.offset, contentType, sha256: undefined, skipped: true, verified };
  }
  await part.land(path);
  emit({ type: 'download-done', id, path, bytes: part.offset, skipped: false });
  return { path, bytes: part.offset, contentType, sha256, skipped: false, verified };
}
