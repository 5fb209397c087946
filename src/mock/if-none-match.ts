/**
 * If-None-Match as RFC 9110 has it for GET and HEAD: `*` or a list of entity tags compared
 * weakly (a `W/` prefix is ignored), so a client's cached copy earns a 304.
 */
export function noneMatchHits(value: string | undefined, etag: string): boolean {
  if (value === undefined) return false;
  if (value.trim() === '*') return true;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return value.split(',').some((tag) => bare(tag) === bare(etag));
}
