import type { Writable } from 'node:stream';

/**
 * The last line of defence for the API key: every string written to the stream has the known
 * secrets replaced. The stream object itself is patched (not wrapped) so that terminal
 * properties the progress bars rely on (isTTY, columns, cursor methods) stay as they are.
 */
export function redactStream(stream: Writable, secrets: () => readonly string[]): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? redactText(chunk, secrets()) : chunk, ...rest)) as Writable['write'];
}

export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * Field names whose value is a credential wherever a server puts one: a name that is, or ends
 * in, one of these words (`download_token`, `x-api-key`, `sas`, `client_secret`). Wide on
 * purpose: a field dropped by mistake costs a line of a record, one kept by mistake a secret.
 */
const secretFieldName = /(^|[-_])(api[-_]?key|key|token|secret|password|passwd|auth|authorization|bearer|cookie|signature|sig|sas|credentials?)$/i;

/** Query parameters that say which file, never who may read it: kept in an address written down. */
const publicQueryParameters = new Set(['variant']);

/**
 * An address fit to be written down: no user or password, and of its query only what names the
 * file (`variant`). A signed link's query (`X-Amz-Signature`, `sig`, `token`, `Expires`) is the
 * capability that opens it, so it goes, whatever its parameters are called.
 */
export function publicUrl(address: string): string {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return address;
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) if (!publicQueryParameters.has(name)) url.searchParams.delete(name);
  return url.href;
}

/**
 * A server's object as it may be kept on disk beside a file (`--write-info-json`), where no
 * stream redaction reaches: credential fields dropped, every http(s) address in it made public
 * (publicUrl), and the known `secrets` (the API key, which a server may echo in a field of its
 * own) cut out of every string, at any depth.
 */
export function withoutSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(/^https?:\/\//i.test(value) ? publicUrl(value) : value, secrets);
  if (Array.isArray(value)) return value.map((inner) => withoutSecrets(inner, secrets));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !secretFieldName.test(key))
      .map(([key, inner]) => [key, withoutSecrets(inner, secrets)]),
  );
}
