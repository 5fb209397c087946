import { parseContentLength, parseContentRange } from './content-range.js';

/** What was asked: the bytes already on disk, and what they were recorded as. */
export interface ResumeAsk {
  /** Bytes in order on disk; the request asked for the rest (`Range: bytes=<offset>-`) when > 0. */
  offset: number;
  /** `Range: bytes=0-` was sent to prove that ranges work before splitting the file. */
  probing: boolean;
  /** The recorded file the bytes on disk belong to. */
  recorded: { etag: string | undefined; totalBytes: number | undefined } | undefined;
  /**
   * Only an answer with the same strong ETag proves that it serves the same file: the bytes on
   * disk came from another source (the gateway, a direct link), or the answer is one range of a
   * split download, whose ranges are joined into one file on nothing but that ETag's word.
   */
  proveSameFile: boolean;
  /**
   * One range of a split download was asked for (`Range: bytes=<offset>-<end - 1>`): only an
   * answer that ends there too is that range.
   */
  end?: number | undefined;
}

export interface ResumeAnswer {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
}

export type ResumeVerdict =
  /** A 206 that continues exactly where the file stops: append its body. */
  | { action: 'append'; total: number | undefined; rangesProven: boolean }
  /**
   * The body is the whole file from byte 0; `restart` says why the bytes on disk are dropped, and
   * `rangeIgnored` that it is because the server ignores Range (not because the file changed).
   */
  | { action: 'whole'; total: number | undefined; rangesProven: boolean; restart: string | undefined; rangeIgnored: boolean }
  /** A 416 confirming that the file is already complete. */
  | { action: 'done' }
  /** Drop this answer and the bytes on disk, then ask for the whole file. */
  | { action: 'restart'; reason: string }
  /** The probe got an odd answer (a shifted range, a 416 for an empty file): ask plainly. */
  | { action: 'ask-plainly' }
  /** An answer that no request of ours can be met with; asking again would get the same. */
  | { action: 'refuse'; reason: string };

/**
 * The one rule for "does this answer continue the bytes I have": what a download does with an
 * answer to its request, given what is on disk. Pure, so that a table of cases pins it.
 */
export function decideResume(ask: ResumeAsk, answer: ResumeAnswer): ResumeVerdict {
  const { headers, status } = answer;
  const resuming = ask.offset > 0;
  const range = parseContentRange(headers['content-range']);
  const etag = headers['etag'];
  const recordedEtag = ask.recorded?.etag;
  const total = ask.recorded?.totalBytes;
  if (ask.probing && status !== 200) {
    const whole = status === 206 && range?.satisfied === true && range.start === 0 && range.end + 1 === range.total;
    return whole ? { action: 'whole', total: range.total, rangesProven: true, restart: undefined, rangeIgnored: false } : { action: 'ask-plainly' };
  }
  if (status === 416) {
    // Without a Range header there is nothing to refuse: restarting would ask the same again.
    if (!resuming) return { action: 'refuse', reason: 'the server answered 416 (range not satisfiable) to a request for the whole file' };
    if (total === ask.offset && (range === undefined || range.total === total)) return { action: 'done' };
    return { action: 'restart', reason: `the server refused to continue at byte ${ask.offset} (416)` };
  }
  if (status === 304) {
    if (!resuming) return { action: 'refuse', reason: 'the server answered 304 (not modified) to a request without validators' };
    return { action: 'restart', reason: 'the server answered 304 (not modified) instead of the rest of the file' };
  }
  const changed = etag !== undefined && recordedEtag !== undefined && etag !== recordedEtag;
  if (status === 206) {
    if (!resuming) return { action: 'refuse', reason: 'the server sent a partial answer (206) to a request for the whole file' };
    const provenSame = !ask.proveSameFile || (etag !== undefined && etag === recordedEtag && !etag.startsWith('W/'));
    const fits =
      range?.satisfied === true &&
      range.start === ask.offset &&
      (ask.end === undefined || range.end === ask.end - 1) &&
      (total === undefined || range.total === total) &&
      !changed &&
      provenSame;
    if (!fits) {
      const why = !provenSame
        ? 'the server sent no matching strong ETag'
        : changed
          ? 'the content changed on the server (another ETag)'
          : `the server answered with another range than the one asked for (${headers['content-range'] ?? 'no Content-Range'})`;
      return { action: 'restart', reason: why };
    }
    const size = total ?? range.total;
    return { action: 'append', total: size, rangesProven: range.end + 1 === size };
  }
  const restart = !resuming ? undefined : changed ? 'the content changed on the server' : 'the server ignored the range request';
  return { action: 'whole', total: parseContentLength(headers['content-length']), rangesProven: false, restart, rangeIgnored: resuming && !changed };
}

/** Why an answer does not continue the bytes on disk, in words; undefined for an `append`. */
export function refusalReason(verdict: ResumeVerdict): string | undefined {
  switch (verdict.action) {
    case 'whole':
      return verdict.restart ?? 'the server answered with the whole file';
    case 'restart':
    case 'refuse':
      return verdict.reason;
    case 'done':
      return 'the server says the file is already complete';
    case 'ask-plainly':
      return 'the answer proves nothing about ranges';
    // An append: the answer continues the bytes on disk, nothing is refused. (Any mutant of this
    // label is equivalent: an append that falls off the switch is undefined all the same.)
    // Stryker disable next-line ConditionalExpression
    default:
      return undefined;
  }
}
