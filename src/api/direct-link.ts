/**
 * The direct link in a status object: where the provider's file can be fetched without the
 * gateway's `/content` proxy, and until when. Gateways of the family put it in different places
 * (`metadata.url` on current releases; `video_url`, `url`, `result_url` on forks that flatten
 * the provider's answer; `output`, `data` or `content` objects where they pass it through; the
 * `task_result.videos[]` list of Kling-style answers), so every place seen is read in order.
 */

type Path = ReadonlyArray<string | number>;

const linkPaths: readonly Path[] = [
  ['metadata', 'url'],
  ['video_url'],
  ['url'],
  ['result_url'],
  ['output', 'video_url'],
  ['output', 'url'],
  ['data', 'video_url'],
  ['data', 'url'],
  ['content', 'video_url'],
  ['task_result', 'videos', 0, 'url'],
  ['videos', 0, 'url'],
];

function at(body: unknown, path: Path): unknown {
  let current = body;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** Only absolute http(s) URLs are links: a `file:` or `javascript:` value is never followed. */
function asHttpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The first http(s) link found in the places forks put one, or undefined. */
export function findDirectLink(body: Record<string, unknown>): string | undefined {
  for (const path of linkPaths) {
    const url = asHttpUrl(at(body, path));
    if (url !== undefined) return url;
  }
  return undefined;
}

/** `20261202T063000Z` (AWS and GCS signing dates) as epoch ms. */
function compactIsoMs(value: string | null): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function seconds(value: string | null): number | undefined {
  return value !== null && /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}

/**
 * When a signed link stops working, in epoch ms, as its own query says: the gateway's
 * capability URLs (`access=<expiry>.<signature>`), `Expires=` (CloudFront, GCS v2, and the
 * simulator's CDN), AWS and GCS v4 (`X-Amz-Date` + `X-Amz-Expires`), Azure (`se=`). Without any
 * of them, the task's `expires_at` (epoch seconds) if it has one; otherwise unknown.
 */
export function linkExpiresAtMs(link: string, taskExpiresAt: number | undefined): number | undefined {
  const query = new URL(link).searchParams;
  const get = (name: string): string | null => {
    for (const [key, value] of query) if (key.toLowerCase() === name) return value;
    return null;
  };
  const access = /^(\d{1,12})\./.exec(get('access') ?? '');
  if (access?.[1] !== undefined) return Number(access[1]) * 1000;
  const expires = seconds(get('expires'));
  if (expires !== undefined) return expires * 1000;
  for (const vendor of ['x-amz', 'x-goog']) {
    const signedAt = compactIsoMs(get(`${vendor}-date`));
    const lifetime = seconds(get(`${vendor}-expires`));
    if (signedAt !== undefined && lifetime !== undefined) return signedAt + lifetime * 1000;
  }
  const azure = Date.parse(get('se') ?? '');
  if (Number.isFinite(azure)) return azure;
  return taskExpiresAt === undefined ? undefined : taskExpiresAt * 1000;
}
