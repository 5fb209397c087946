import { randomBytes } from 'node:crypto';

/** An image uploaded as the `input_reference` file part. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/** What a create (`POST /v1/videos`) or a remix (`POST /v1/videos/{id}/remix`) sends. */
export interface CreateVideoRequest {
  prompt: string;
  model?: string | undefined;
  /** A string on the wire (`"8"`), as the servers document it. */
  seconds?: string | undefined;
  /** e.g. `1280x720`. */
  size?: string | undefined;
  /** Extra fields the gateway passes on to its provider (`metadata`, `negative_prompt`, ...). */
  params?: Readonly<Record<string, unknown>> | undefined;
  /** Sent as a multipart file part: OpenAI-shaped servers refuse a URL string. */
  inputReference?: UploadedFile | undefined;
}

export interface EncodedBody {
  contentType: string;
  body: Buffer;
}

function fieldsOf(request: CreateVideoRequest): Array<[string, unknown]> {
  const named: Array<[string, unknown]> = [
    ['prompt', request.prompt],
    ['model', request.model],
    ['seconds', request.seconds],
    ['size', request.size],
  ];
  return [...named, ...Object.entries(request.params ?? {})].filter(([, value]) => value !== undefined);
}

/** A quoted form-data name: the few characters that would end the quoted string are escaped as browsers do. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

/**
 * JSON without a file; multipart/form-data with one, where every field is a text part (a
 * non-string value of `params` as its JSON text) and the image a file part with its own type.
 */
export function encodeCreateBody(request: CreateVideoRequest): EncodedBody {
  const fields = fieldsOf(request);
  const file = request.inputReference;
  if (file === undefined) return { contentType: 'application/json', body: Buffer.from(JSON.stringify(Object.fromEntries(fields))) };
  const boundary = `ezvideo-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${text}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename=${quoted(file.filename)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}
