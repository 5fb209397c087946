/**
 * The fault matrix's trials: for a seed and a trial number, which simulator faults a download
 * meets and which exit codes are acceptable. Deterministic (the same seed gives the same trials),
 * so a failing trial printed by the suite can be replayed alone.
 */
import type { SourceMode } from '../../src/core/content-source.js';
import type { Faults, ProfileName } from '../../src/mock/index.js';
import { mulberry32 } from '../../src/mock/prng.js';

export interface ChaosTrial {
  /** Position in the matrix, also part of the task id. */
  index: number;
  profile: ProfileName;
  /** A synthetic `size_<n>k_...` id, unique to this trial. */
  id: string;
  size: number;
  /** The row of the summary table. */
  kind: ChaosKind;
  faults: Faults;
  /** 0 where retries and resume must get through; the documented code where nothing can. */
  expectedExits: readonly number[];
  /** The delay the server asks with Retry-After / retry-after-ms, which every wait must honour. */
  askedDelayMs?: number | undefined;
  /**
   * `--source` of the download: `gateway` for the faults of `/content` itself (their expected
   * exits are the gateway's), `auto` or `direct` for the rows about the direct link.
   */
  source: SourceMode;
  /** `--connections` of the download (1 but for the rows about split downloads). */
  connections: number;
  /** Where the bytes go: a file, or a stream (`-o -`), which can resume but never restart. */
  output: 'file' | 'stream';
}

const KiB = 1024;
const MiB = 1024 * KiB;
const statuses = [429, 500, 502, 503, 504] as const;

type Random = () => number;

const between = (random: Random, low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** A rate that makes the body last a while, so that a reset reaches the client after its data. */
const readableRate = (random: Random): number => between(random, 4, 16) * MiB;

/** What a profile's `/content` and status do, as far as the trials' expectations go. */
interface ProfileTraits {
  /** `/content` honours Range. */
  ranges: boolean;
  /** Completed status objects carry a direct link (`metadata.url`). */
  link: boolean;
}

function traitsOf(profile: ProfileName): ProfileTraits {
  return { ranges: profile !== 'ezmodel', link: profile === 'ezmodel' || profile === 'newapi' };
}

type TrialSpec = Omit<ChaosTrial, 'index' | 'profile' | 'id' | 'size' | 'kind' | 'source' | 'connections' | 'output'> & {
  source?: SourceMode;
  connections?: number;
  output?: ChaosTrial['output'];
};

interface KindSpec {
  /** Faults for a payload of `size` bytes on a server with these traits. */
  make: (random: Random, size: number, traits: ProfileTraits) => TrialSpec;
  /** Small enough to sit beside another fault in a `combo` trial and still get through. */
  combinable?: boolean;
}

const recoverable = [0] as const;

/** One entry per row of the summary table: the faults of the issue, one by one. */
const kinds = {
  'reset at a random offset': {
    combinable: true,
    make: (random) => ({ faults: { reset: { seed: between(random, 1, 1e9), times: between(random, 1, 3) }, throttle: readableRate(random) }, expectedExits: recoverable }),
  },
  stall: {
    combinable: true,
    // The client's idle timeout is 300 ms; the stall would last 5 s.
    make: (random, size) => ({ faults: { stall: { seconds: 5, afterBytes: between(random, 0, size - 1), times: between(random, 1, 2) } }, expectedExits: recoverable }),
  },
  '429/5xx storm': {
    combinable: true,
    make: (random) => ({ faults: { failFirst: { count: between(random, 1, 4), status: pick(random, statuses) } }, expectedExits: recoverable }),
  },
  '429/5xx storm, Retry-After': {
    combinable: true,
    make: (random) => {
      const status = pick(random, statuses);
      const count = between(random, 1, 3);
      if (random() < 0.5) {
        const ms = between(random, 50, 400);
        return { faults: { failFirst: { count, status, retryAfterMs: ms } }, expectedExits: recoverable, askedDelayMs: ms };
      }
      const seconds = between(random, 1, 3);
      const format = pick(random, ['seconds', 'http-date'] as const);
      // An HTTP date has a one-second resolution: the honoured wait can be a second shorter.
      return { faults: { failFirst: { count, status, retryAfterSeconds: seconds, retryAfterFormat: format } }, expectedExits: recoverable, askedDelayMs: format === 'seconds' ? seconds * 1000 : (seconds - 1) * 1000 };
    },
  },
  'endless 429/5xx storm': {
    make: (random) => ({ faults: { failFirst: { count: Infinity, status: pick(random, statuses) } }, expectedExits: [8] }),
  },
  'absurd Retry-After': {
    make: (random) => ({ faults: { failFirst: { count: Infinity, status: pick(random, [429, 503] as const), retryAfterSeconds: between(random, 3_600, 86_400) } }, expectedExits: [8] }),
  },
  'Range ignored': {
    combinable: true,
    make: (random) => ({ faults: { ignoreRange: true, reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) }, expectedExits: recoverable }),
  },
  'ETag changed mid-download': {
    combinable: true,
    make: (random) => ({ faults: { etagChanges: true, reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) }, expectedExits: recoverable }),
  },
  'short body': {
    combinable: true,
    make: (random, size) => ({ faults: { shortBody: { missingBytes: between(random, 1, size >> 1), times: between(random, 1, 3) }, throttle: readableRate(random) }, expectedExits: recoverable }),
  },
  'short body, every time': {
    make: (random, size) => ({ faults: { shortBody: { missingBytes: between(random, 1, size >> 1) } }, expectedExits: [8] }),
  },
  'chunked, cut cleanly': {
    combinable: true,
    make: (random, size) => ({ faults: { chunkedCut: { atByte: between(random, 1, size - 1), times: between(random, 1, 2) } }, expectedExits: recoverable }),
  },
  'chunked, cut every time': {
    // With Range each cut still moves the file forward, so it ends whole; without, never.
    make: (random, size, { ranges }) => ({ faults: { chunkedCut: { atByte: between(random, size >> 2, size - 1) } }, expectedExits: ranges ? recoverable : [9] }),
  },
  'throttled link': {
    make: (random) => ({ faults: { throttle: between(random, 1, 8) * MiB }, expectedExits: recoverable }),
  },
  '60-second cut (scaled to 1.2 s)': {
    // The file needs 2-3 s at this rate: with Range every cut is resumed; without, the same cut
    // repeats and ezvideo stops after three, with exit 8.
    make: (random, size, { ranges }) => ({ faults: { transferLimitMs: 1_200, throttle: Math.ceil(size / (between(random, 20, 30) / 10)) }, expectedExits: ranges ? recoverable : [8] }),
  },
  '60-second cut, --source auto': {
    // The same cut, and the status carries a link where the profile has one: the first cut from
    // a gateway that ignores Range switches to it; where ranges work every cut is resumed.
    make: (random, size, { ranges, link }) => ({
      faults: { transferLimitMs: 1_200, throttle: Math.ceil(size / (between(random, 20, 30) / 10)) },
      expectedExits: ranges || link ? recoverable : [8],
      source: 'auto',
    }),
  },
  'not ready for a while after completion': {
    make: (random) => ({ faults: { contentLagMs: between(random, 100, 1_500) }, expectedExits: recoverable, source: 'auto' }),
  },
  'direct link, resets and a link that expires': {
    make: (random) => ({
      faults: { linkExpiryMs: between(random, 2_500, 4_000), reset: { seed: between(random, 1, 1e9), times: between(random, 1, 3) }, throttle: readableRate(random) },
      // Without a link in the status, `--source direct` has nothing to fetch.
      expectedExits: recoverable,
      source: 'direct',
    }),
  },
  'redirect to the CDN (307), resets': {
    make: (random) => ({ faults: { redirectCdn: true, reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) }, expectedExits: recoverable, source: 'auto' }),
  },
  "artifact proxy's coded errors": {
    make: (random) => {
      const kind = pick(random, ['upstream_auth_failed', 'request_rejected', 'gone', 'result_expired', 'upstream_busy', 'upstream_timeout', 'upstream_error'] as const);
      const final: Partial<Record<typeof kind, number>> = { upstream_auth_failed: 8, request_rejected: 8, gone: 7, result_expired: 7 };
      const code = final[kind];
      return { faults: { artifactError: code === undefined ? { kind, times: between(random, 1, 3) } : { kind } }, expectedExits: code === undefined ? recoverable : [code] };
    },
  },
  'Content-Range elsewhere than asked': {
    make: (random) => ({
      faults: { rangeStartShift: pick(random, [-1, 1]) * between(random, 1, 4096), reset: { seed: between(random, 1, 1e9), times: 1 }, throttle: readableRate(random) },
      expectedExits: recoverable,
    }),
  },
  'body longer than Content-Length': {
    make: (random, size) => ({ faults: { lengthTooShort: between(random, 1, size >> 1) }, expectedExits: [9] }),
  },
  'four connections, resets': {
    make: (random) => ({ faults: { reset: { seed: between(random, 1, 1e9), times: between(random, 1, 3) }, throttle: readableRate(random) }, expectedExits: recoverable, connections: 4 }),
  },
  'four connections, ETag changed mid-download': {
    // Each range request meets another file: the split must notice and go back to one connection.
    make: (random) => ({ faults: { etagChanges: true, reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) }, expectedExits: recoverable, connections: 4 }),
  },
  'four connections, Content-Range elsewhere than asked': {
    make: (random) => ({
      faults: { rangeStartShift: pick(random, [-1, 1]) * between(random, 1, 4096), reset: { seed: between(random, 1, 1e9), times: 1 }, throttle: readableRate(random) },
      expectedExits: recoverable,
      connections: 4,
    }),
  },
  '-o -, resets': {
    // Bytes already written to stdout cannot be taken back: where Range works the stream is
    // continued; where it is ignored the download stops (exit 8) rather than send the start twice.
    make: (random, _size, { ranges }) => ({
      faults: { reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) },
      expectedExits: ranges ? recoverable : [0, 8],
      output: 'stream',
    }),
  },
  '-o -, Content-Range elsewhere than asked': {
    // A 206 that does not start where the stream stopped is never appended: exit 8, or 0 only
    // when the cut came before the first byte.
    make: (random) => ({
      faults: { rangeStartShift: pick(random, [-1, 1]) * between(random, 1, 4096), reset: { seed: between(random, 1, 1e9), times: 1 }, throttle: readableRate(random) },
      expectedExits: [0, 8],
      output: 'stream',
    }),
  },
  'redirect to another origin': {
    combinable: true,
    make: (random) => ({ faults: { redirect: 'second-origin', reset: { seed: between(random, 1, 1e9), times: between(random, 1, 2) }, throttle: readableRate(random) }, expectedExits: recoverable }),
  },
} satisfies Record<string, KindSpec>;

type SingleKind = keyof typeof kinds;
const combo = 'two faults at once';
export type ChaosKind = SingleKind | typeof combo;
const singleKinds = Object.keys(kinds) as SingleKind[];
export const chaosKinds: readonly ChaosKind[] = [...singleKinds, combo];
const combinableKinds = singleKinds.filter((kind) => (kinds[kind] as KindSpec).combinable === true);

/** Merges two fault sets; the slower throttle wins, so that both faults keep their effect. */
function combine(a: Faults, b: Faults): Faults {
  const throttle = a.throttle === undefined ? b.throttle : b.throttle === undefined ? a.throttle : Math.min(a.throttle, b.throttle);
  return { ...a, ...b, ...(throttle === undefined ? {} : { throttle }) };
}

/** Trial `index` of the matrix seeded by `seed`; kinds take turns so each row gets its share. */
export function chaosTrial(seed: number, index: number, profile: ProfileName): ChaosTrial {
  const random = mulberry32(seed ^ Math.imul(index + 1, 0x9e3779b1));
  const kind = chaosKinds[index % chaosKinds.length] as ChaosKind;
  const size = between(random, 64, 2048) * KiB;
  const traits = traitsOf(profile);
  const id = `size_${size / KiB}k_chaos${seed}_${index}`;
  if (kind !== combo) {
    const { source = 'gateway', connections = 1, output = 'file', ...spec } = (kinds[kind] as KindSpec).make(random, size, traits);
    // `--source direct` on a profile whose status carries no link: exit 4, and nothing else.
    const expectedExits = source === 'direct' && !traits.link ? [4] : spec.expectedExits;
    return { index, profile, id, size, kind, ...spec, expectedExits, source, connections, output };
  }
  const first = pick(random, combinableKinds);
  const a = (kinds[first] as KindSpec).make(random, size, traits);
  // The second fault must not overwrite the first (two resets, two storms): both must act.
  const overlaps = (faults: Faults) => Object.keys(faults).some((name) => name !== 'throttle' && name in a.faults);
  let b = a;
  for (let tries = 0; b === a || overlaps(b.faults); tries += 1) {
    if (tries > 100) throw new Error(`no fault combines with ${first}`);
    b = (kinds[pick(random, combinableKinds)] as KindSpec).make(random, size, traits);
  }
  const askedDelayMs = a.askedDelayMs ?? b.askedDelayMs;
  return {
    index,
    profile,
    id,
    size,
    kind,
    faults: combine(a.faults, b.faults),
    expectedExits: recoverable,
    source: 'gateway',
    connections: 1,
    output: 'file',
    ...(askedDelayMs === undefined ? {} : { askedDelayMs }),
  };
}
