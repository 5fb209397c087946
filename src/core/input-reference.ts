import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UploadedFile } from '../api/create-body.js';
import { cannotReadError } from './download-errors.js';
import { typeOfExtension } from './file-name.js';
import { isJpegHead, isWebpHead } from './integrity/detect-format.js';
import { usageError } from '../errors.js';

/** The image types providers take as a reference frame, by their first bytes. */
const signatures: Array<{ type: string; matches: (bytes: Buffer) => boolean }> = [
  { type: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', matches: isJpegHead },
  { type: 'image/webp', matches: isWebpHead },
  { type: 'image/gif', matches: (b) => /^GIF8[79]a$/.test(b.toString('latin1', 0, 6)) },
];

/** The image type a file name's extension stands for. */
function imageTypeOfExtension(path: string): string | undefined {
  const type = typeOfExtension(path);
  return type !== undefined && signatures.some((signature) => signature.type === type) ? type : undefined;
}

/** An image's type from its own bytes (a misnamed file has its true type), else from its extension. */
export function imageTypeOf(path: string, bytes: Buffer): string | undefined {
  return signatures.find((signature) => signature.matches(bytes))?.type ?? imageTypeOfExtension(path);
}

/**
 * Reads the `input_reference` image to upload, its type from `imageTypeOf`; a file that has
 * none is refused before anything is sent.
 */
export async function readInputReference(path: string): Promise<UploadedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw cannotReadError(`the input reference ${path}`, error, 'Give the path of an image file (PNG, JPEG, WebP or GIF).');
  }
  const contentType = imageTypeOf(path, bytes);
  if (contentType === undefined) {
    throw usageError(`the input reference ${path} is not an image ezvideo can tell the type of`, 'Use a PNG, JPEG, WebP or GIF file.');
  }
  return { filename: basename(path), contentType, bytes };
}
