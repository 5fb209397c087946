import { usageError } from '../errors.js';

/** The fields an `-o` or `--dir` template may use, e.g. `out/{model}/{created}-{id}.{ext}`. */
export const templateFields = ['id', 'variant', 'ext', 'model', 'created', 'seconds', 'size', 'index'] as const;
export type TemplateField = (typeof templateFields)[number];

/** Fields whose value is in the task object: a template that uses one needs the task's status. */
const taskFields: ReadonlySet<TemplateField> = new Set(['model', 'created', 'seconds', 'size']);

export type TemplateValues = Record<TemplateField, string | undefined>;

type Piece = { text: string } | { field: TemplateField };

export interface OutputTemplate {
  /** The template as given. */
  readonly source: string;
  /** Whether it has any field at all: a plain name is one file, as it always was. */
  readonly hasFields: boolean;
  /** Whether a field needs the task object (its status is fetched once for it). */
  readonly needsTask: boolean;
  /** Whether every id gets a path of its own by construction (`{id}` or `{index}`). */
  readonly perId: boolean;
  /** Whether it ends in `.{ext}`: the extension then follows the type the server really sent. */
  readonly endsWithExt: boolean;
  render(values: TemplateValues): string;
}

/** A value with nothing usable in it (or none at all) stands as this, so a path never has an empty segment. */
const missingValue = 'unknown';

/**
 * A value a path segment may not be (Windows' reserved device names, which also break copies of
 * the folder made on Windows or on a share).
 */
const reservedNames = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the bidirectional marks
 * and overrides that can make a name read as another one (`gpj.exe` shown as `exe.jpg`).
 */
const invisibleCharacters = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * The longest a value may be, in UTF-8 bytes: a file name is at most 255 bytes on the usual file
 * systems, and a template puts text and other values beside this one in the same name.
 */
const maxValueBytes = 100;

/**
 * Turns a value from the server (a model name, a size, an id) into one safe path segment: no
 * folder separator, no `.` or `..`, no control character (NUL included), no reserved device
 * name, no leading dot (a hidden file) and no trailing dot or space, at most 100 bytes. A value
 * can thus never climb out of the folder the template names, or split into folders.
 */
export function pathSegment(value: string | undefined): string {
  let segment = (value ?? '')
    .replace(invisibleCharacters, '')
    .replace(/[/\\<>:"|?*]/g, '_')
    .trim()
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if (reservedNames.test(segment)) segment = `_${segment}`;
  while (Buffer.byteLength(segment) > maxValueBytes) segment = [...segment].slice(0, -1).join('');
  // After the cut too: a cut can end the segment on a dot or a space.
  segment = segment.replace(/[. ]+$/, '');
  return segment === '' ? missingValue : segment;
}

function parsePieces(source: string): Piece[] {
  const pieces: Piece[] = [];
  const pattern = /\{([^{}]*)\}/g;
  let at = 0;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    const name = match[1] ?? '';
    if (!(templateFields as readonly string[]).includes(name)) {
      throw usageError(`${source}: {${name}} is not a template field`, `The fields are ${templateFields.map((field) => `{${field}}`).join(', ')}.`);
    }
    pieces.push({ text: source.slice(at, match.index) }, { field: name as TemplateField });
    at = match.index + match[0].length;
  }
  const rest = source.slice(at);
  if (/[{}]/.test(rest) || pieces.some((piece) => 'text' in piece && /[{}]/.test(piece.text))) {
    throw usageError(`${source}: a { or } without its pair`, 'Write fields as {id}, {model} and so on; a template cannot hold a lone brace.');
  }
  pieces.push({ text: rest });
  return pieces;
}

/** Reads an `-o` or `--dir` value: a plain path, or a template of fields (an unknown field is a usage error, exit 2). */
export function parseOutputTemplate(source: string): OutputTemplate {
  const pieces = parsePieces(source);
  const fields = new Set(pieces.flatMap((piece) => ('field' in piece ? [piece.field] : [])));
  return {
    source,
    hasFields: fields.size > 0,
    needsTask: [...fields].some((field) => taskFields.has(field)),
    perId: fields.has('id') || fields.has('index'),
    endsWithExt: source.endsWith('.{ext}'),
    render: (values) => pieces.map((piece) => ('text' in piece ? piece.text : pathSegment(values[piece.field]))).join(''),
  };
}

/**
 * `{created}`: the task's creation time (Unix seconds) as a UTC date that sorts as text,
 * `20261202-182554`; undefined when the server gave none.
 */
export function createdField(createdAt: number | undefined): string | undefined {
  if (createdAt === undefined || !Number.isFinite(createdAt)) return undefined;
  const iso = new Date(createdAt * 1000).toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** `{index}`: the 1-based position in the input, padded to the width of the count so names sort (`07` of 50). */
export function indexField(position: number, count: number): string {
  return String(position).padStart(String(count).length, '0');
}
