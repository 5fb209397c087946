import { extname } from 'node:path';

/**
 * File names that come from a server (Content-Disposition) are display material at most: they
 * are reduced to one plain name component, so no `../`, absolute path, drive letter or control
 * character can steer where ezvideo writes.
 */
export function sanitizeFileName(name: string): string | undefined {
  const lastComponent = name.split(/[/\\]/).pop() ?? '';
  const cleaned = lastComponent
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .replace(/^[.\s]+/, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? undefined : cleaned;
}

/** The file name a Content-Disposition header proposes (RFC 6266: `filename*` wins), sanitised. */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended?.[2] !== undefined) {
    try {
      return sanitizeFileName(decodeURIComponent(extended[2].trim()));
    } catch {
      // A malformed percent-encoding: fall back to the plain filename parameter.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  const value = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2]?.trim();
  return value === undefined ? undefined : sanitizeFileName(value);
}

const extensions: Record<string, string> = {
  'video/mp4': '.mp4',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'image/webp': '.webp',
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/gif': '.gif',
};

/** The bare media type of a Content-Type header, lower-cased (`video/mp4; codecs=...` -> `video/mp4`). */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

/** The media type a file name's extension stands for, the inverse of `extensionFor` (and `.jpeg`); undefined for one we do not know. */
export function typeOfExtension(path: string): string | undefined {
  const extension = extname(path).toLowerCase();
  if (extension === '.jpeg') return 'image/jpeg';
  return Object.keys(extensions).find((type) => extensions[type] === extension);
}

/** `.mp4` for video/mp4 and so on; `.bin` when the type says nothing we know. */
export function extensionFor(contentType: string | undefined): string {
  return extensions[mediaType(contentType) ?? ''] ?? '.bin';
}
