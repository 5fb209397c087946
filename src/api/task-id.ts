import { usageError } from '../errors.js';

/**
 * Task ids are opaque, but they become a path segment of every URL: anything that could change
 * the path (`/`, `..`, `%`, spaces, control characters) is refused before a request is made.
 */
const allowedId = /^[A-Za-z0-9._:-]+$/;

export function validateTaskId(id: string): string {
  if (id === '' || id === '.' || id === '..' || !allowedId.test(id)) {
    throw usageError(
      `invalid task id ${JSON.stringify(id)}`,
      'A task id may only contain letters, digits and . _ : - (for example vid_abc123xyz456).',
    );
  }
  return id;
}

/** The id as a URL path segment; validated ids are already safe, the encoding is a second belt. */
export function taskIdPathSegment(id: string): string {
  return encodeURIComponent(validateTaskId(id));
}

/**
 * `text` without `<id>: ` wherever it occurs: engine messages start with the id, and a reason
 * wrapped in another message brings its own, so a line that names the id itself drops them all.
 */
export function withoutId(id: string, text: string): string {
  return text.split(`${id}: `).join('');
}
