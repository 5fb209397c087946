/**
 * Range and If-Range as RFC 9110 has them, reduced to what a video server needs: one range
 * (`a-b`, `a-`, `-n`); several ranges are answered with the whole body, as servers may.
 */
export type RangeAnswer = { start: number; end: number } | 'unsatisfiable' | undefined;

const pattern = /^bytes=(\d*)-(\d*)$/;

/** The range to send, `unsatisfiable` for a 416, or undefined to send the whole body. */
export function parseRange(header: string, size: number): RangeAnswer {
  const match = pattern.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * Whether the client's copy is still the current one: an entity tag must match strongly (a
 * weak one never does), a date must equal Last-Modified exactly. Without If-Range, yes.
 */
export function ifRangeMatches(value: string | undefined, etag: string, lastModified: Date): boolean {
  if (value === undefined) return true;
  const trimmed = value.trim();
  if (trimmed.startsWith('W/')) return false;
  if (trimmed.startsWith('"')) return trimmed === etag;
  const date = Date.parse(trimmed);
  return !Number.isNaN(date) && date === lastModified.getTime();
}
