/** A parsed `Content-Range` header: `bytes a-b/total`, `bytes a-b/*` or `bytes *\/total`. */
export type ContentRange =
  | { satisfied: true; start: number; end: number; total: number | undefined }
  | { satisfied: false; total: number };

export function parseContentRange(header: string | undefined): ContentRange | undefined {
  if (header === undefined) return undefined;
  const range = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (range !== null) {
    const start = Number(range[1]);
    const end = Number(range[2]);
    if (end < start) return undefined;
    return { satisfied: true, start, end, total: range[3] === '*' ? undefined : Number(range[3]) };
  }
  const unsatisfied = /^\s*bytes\s+\*\/(\d+)\s*$/i.exec(header);
  return unsatisfied === null ? undefined : { satisfied: false, total: Number(unsatisfied[1]) };
}

/** A Content-Length we can rely on: digits only, nothing else. */
export function parseContentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  const length = Number(header);
  return Number.isSafeInteger(length) ? length : undefined;
}
