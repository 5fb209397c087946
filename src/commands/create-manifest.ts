import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { validateTaskId } from '../api/task-id.js';
import type { CreateJob } from '../core/create-job.js';
import { cannotReadError } from '../core/download-errors.js';
import { imageTypeOf } from '../core/input-reference.js';
import { EzvideoError, usageError } from '../errors.js';
import { readFileOrStdin, type CommandIO } from './io.js';

/** The fields a manifest line may have; anything else is a typo that would silently change the video. */
const fields = new Set(['prompt', 'model', 'seconds', 'size', 'input_reference', 'output', 'params', 'remix']);

export const manifestHint = 'Each line is one JSON object: {"prompt":"...","model":"...","seconds":"8","size":"1280x720","input_reference":"img/a.png","output":"out/a.mp4","params":{...},"remix":"<id>"}; only prompt is required.';

/** The command line's values, which every line may override. */
export type JobDefaults = Omit<CreateJob, 'line' | 'output'>;

export interface Manifest {
  jobs: CreateJob[];
  /** Relative `input_reference` and `output` paths start here: the manifest's folder (stdin: the current one). */
  baseDir: string;
}

function lineError(where: string, problem: string): EzvideoError {
  return usageError(`${where}: ${problem}`, manifestHint);
}

function optionalText(where: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw lineError(where, `"${name}" must be a non-empty string`);
}

/** `seconds` is a string on the wire, but `8` is what people write. */
function secondsOf(where: string, value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return String(value);
  return optionalText(where, 'seconds', value);
}

function paramsOf(where: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw lineError(where, '"params" must be an object');
}

function remixOf(where: string, value: unknown): string | undefined {
  const id = optionalText(where, 'remix', value);
  if (id === undefined) return undefined;
  try {
    return validateTaskId(id);
  } catch (error) {
    throw lineError(where, (error as Error).message);
  }
}

/** One line as a job: the defaults, overridden by what the line says (params merged key by key). */
function jobOf(value: unknown, line: number, where: string, defaults: JobDefaults): CreateJob {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw lineError(where, 'not a JSON object');
  const entry = value as Record<string, unknown>;
  const unknown = Object.keys(entry).find((name) => !fields.has(name));
  if (unknown !== undefined) throw lineError(where, `unknown field "${unknown}"`);
  const prompt = optionalText(where, 'prompt', entry['prompt']) ?? defaults.prompt;
  if (prompt === '') throw lineError(where, 'no "prompt" (and no --prompt to default to)');
  const params = paramsOf(where, entry['params']);
  return {
    line,
    prompt,
    model: optionalText(where, 'model', entry['model']) ?? defaults.model,
    seconds: secondsOf(where, entry['seconds']) ?? defaults.seconds,
    size: optionalText(where, 'size', entry['size']) ?? defaults.size,
    inputReference: optionalText(where, 'input_reference', entry['input_reference']) ?? defaults.inputReference,
    params: params === undefined && defaults.params === undefined ? undefined : { ...defaults.params, ...params },
    remix: remixOf(where, entry['remix']) ?? defaults.remix,
    output: optionalText(where, 'output', entry['output']),
  };
}

/**
 * The image must be there now, and be an image: finding out after half the batch was created
 * (and billed) helps nobody.
 */
async function checkImage(job: CreateJob, where: string, baseDir: string): Promise<void> {
  if (job.inputReference === undefined) return;
  const path = resolve(baseDir, job.inputReference);
  const isFile = await stat(path).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (!isFile) throw lineError(where, `the input_reference ${job.inputReference} is not a file (looked for ${path})`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw cannotReadError(`${where}: the input_reference ${path}`, error, manifestHint);
  }
  if (imageTypeOf(path, bytes) === undefined) throw lineError(where, `the input_reference ${job.inputReference} is not an image ezvideo can tell the type of (PNG, JPEG, WebP or GIF)`);
}

/** Two jobs writing one file: the second would find it taken by the first, run after run. */
function checkOutputs(jobs: readonly CreateJob[], name: string, baseDir: string): void {
  const lineOf = new Map<string, number>();
  for (const job of jobs) {
    if (job.output === undefined) continue;
    const path = resolve(baseDir, job.output);
    const first = lineOf.get(path);
    if (first !== undefined) throw usageError(`${name} lines ${first} and ${job.line} both have the output ${path}`, 'Give each job its own output, or leave it out for <task id>.mp4.');
    lineOf.set(path, job.line);
  }
}

/** Where a manifest's relative paths start: its own folder (stdin, or no manifest: the current one). */
export function manifestBaseDir(path: string | undefined): string {
  return path === undefined || path === '-' ? resolve('.') : dirname(resolve(path));
}

/**
 * The jobs of a JSON-lines manifest (`-`: stdin). Blank lines and `#` comments are skipped;
 * every other line is checked (JSON, known fields, a prompt, an image that exists and is one,
 * an output no other line has) before anything is created, and the first bad one is the
 * error, naming its line.
 */
export async function readManifest(path: string, defaults: JobDefaults, io: CommandIO): Promise<Manifest> {
  let content: string;
  try {
    content = await readFileOrStdin(path, io);
  } catch (error) {
    throw cannotReadError(`the manifest ${path}`, error, manifestHint);
  }
  const name = path === '-' ? 'stdin' : path;
  const baseDir = manifestBaseDir(path);
  const jobs: CreateJob[] = [];
  for (const [index, raw] of content.split(/\r?\n/).entries()) {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const where = `${name} line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw lineError(where, 'not valid JSON');
    }
    const job = jobOf(value, index + 1, where, defaults);
    await checkImage(job, where, baseDir);
    jobs.push(job);
  }
  if (jobs.length === 0) throw usageError(`the manifest ${name} has no jobs`, manifestHint);
  checkOutputs(jobs, name, baseDir);
  return { jobs, baseDir };
}
