import type { PositionalReader } from './positional-reader.js';

/** A format whose structure can be checked, with what its check needs to know. */
export type CheckableFormat = { kind: 'mp4'; requireFtyp: boolean } | { kind: 'webp' } | { kind: 'jpeg' };

const ISO_BMFF_TYPES = new Set([
  'video/mp4',
  'video/x-m4v',
  'video/3gpp',
  'video/3gpp2',
  'audio/mp4',
  'audio/x-m4a',
  'application/mp4',
  'image/avif',
  'image/heic',
  'image/heif',
  'image/heic-sequence',
  'image/heif-sequence',
]);

const JPEG_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/pjpeg']);

/** The format a Content-Type announces (parameters such as `; codecs=...` ignored), if checkable. */
export function formatFromContentType(contentType: string | undefined): CheckableFormat | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || mediaType === '') return undefined;
  if (ISO_BMFF_TYPES.has(mediaType)) return { kind: 'mp4', requireFtyp: true };
  if (mediaType === 'video/quicktime') return { kind: 'mp4', requireFtyp: false };
  if (mediaType === 'image/webp') return { kind: 'webp' };
  if (JPEG_TYPES.has(mediaType)) return { kind: 'jpeg' };
  return undefined;
}

/** FF D8 FF: the first bytes of a JPEG. */
export function isJpegHead(head: Buffer): boolean {
  return head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/** `RIFF` .... `WEBP`: the first twelve bytes of a WebP. */
export function isWebpHead(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP';
}

/**
 * The format the file's own first bytes announce: `ftyp` at bytes 4..8 (ISO-BMFF), `RIFF` ....
 * `WEBP` (WebP), or FF D8 FF (JPEG). Legacy QuickTime files without `ftyp` are not recognised:
 * their first box (`moov`, `mdat`, `wide`, `free`) is too common a pattern to call it a magic.
 */
export async function sniffFormat(reader: PositionalReader): Promise<CheckableFormat | undefined> {
  const head = await reader.read(0, 12);
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return { kind: 'mp4', requireFtyp: true };
  if (isWebpHead(head)) return { kind: 'webp' };
  if (isJpegHead(head)) return { kind: 'jpeg' };
  return undefined;
}
