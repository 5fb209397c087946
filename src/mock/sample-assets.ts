/**
 * The small real media files that normal tasks serve (a playable MP4, its WebP thumbnail and
 * JPEG spritesheet), made by scripts/demo-fixtures.sh and committed under assets/. Resolved
 * from this module's own location so they are found from the built dist/src/mock/ layout
 * and from an installed package alike.
 */
import { readFileSync } from 'node:fs';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

const VARIANTS: readonly Variant[] = ['video', 'thumbnail', 'spritesheet'];

export interface SampleAsset {
  bytes: Buffer;
  contentType: string;
  /** The name a server suggests in Content-Disposition. */
  filename: string;
}

const files: Record<Variant, { file: string; contentType: string; filename: string }> = {
  video: { file: 'sample-video.mp4', contentType: 'video/mp4', filename: 'video.mp4' },
  thumbnail: { file: 'sample-thumbnail.webp', contentType: 'image/webp', filename: 'thumbnail.webp' },
  spritesheet: { file: 'sample-spritesheet.jpg', contentType: 'image/jpeg', filename: 'spritesheet.jpg' },
};

const loaded = new Map<Variant, SampleAsset>();

export function sampleAsset(variant: Variant): SampleAsset {
  let asset = loaded.get(variant);
  if (!asset) {
    const { file, contentType, filename } = files[variant];
    asset = { bytes: readFileSync(new URL(`../../../assets/${file}`, import.meta.url)), contentType, filename };
    loaded.set(variant, asset);
  }
  return asset;
}

export function variantFilename(variant: Variant): string {
  return files[variant].filename;
}

export function isVariant(value: string): value is Variant {
  return (VARIANTS as readonly string[]).includes(value);
}
