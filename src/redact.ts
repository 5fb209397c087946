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
