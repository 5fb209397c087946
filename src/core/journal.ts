import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { EzvideoError } from '../errors.js';
import { toOutputError } from './download-errors.js';
import { acquireOutputLock, lockNeverExpires, type LockOwner } from './output-lock.js';

/** One step of one job, as a line of the journal. */
export type JournalStep =
  /** Written (and flushed) before the create is sent: from here on, a task may exist. */
  | { step: 'submitting'; idempotencyKey: string }
  | { step: 'created'; taskId: string }
  /** The server answered that it made nothing: the job may be submitted again. */
  | { step: 'refused'; message: string }
  | { step: 'uncertain'; message: string }
  | { step: 'completed'; taskId: string }
  /** The generation failed or was cancelled: created again only with --retry-failed. */
  | { step: 'failed'; taskId: string; message: string }
  | { step: 'downloaded'; taskId: string; path: string; sha256: string | null; bytes: number };

export type JournalEntry = JournalStep & { key: string; line: number; at: string };

export type JobState = 'new' | 'uncertain' | 'created' | 'completed' | 'failed' | 'downloaded';

/** What the journal knows of one job: the fold of its entries, in order. */
export interface JobRecord {
  state: JobState;
  taskId: string | undefined;
  /** The key of the last create sent, which --retry-uncertain sends again. */
  idempotencyKey: string | undefined;
  message: string | undefined;
  download: { path: string; sha256: string | null; bytes: number } | undefined;
}

const fresh: JobRecord = { state: 'new', taskId: undefined, idempotencyKey: undefined, message: undefined, download: undefined };

function fold(record: JobRecord, entry: JournalStep): JobRecord {
  switch (entry.step) {
    // A create sent with no outcome after it is uncertain: the crash may have come before or after the server made the task.
    case 'submitting':
      return { ...fresh, state: 'uncertain', idempotencyKey: entry.idempotencyKey, message: 'its create was sent by a run that ended before the answer came; a task may have been made (and billed)' };
    case 'created':
      return { ...record, state: 'created', taskId: entry.taskId, message: undefined };
    case 'refused':
      return { ...record, state: 'new', message: entry.message };
    case 'uncertain':
      return { ...record, state: 'uncertain', message: entry.message };
    case 'completed':
      return { ...record, state: 'completed', taskId: entry.taskId };
    case 'failed':
      return { ...record, state: 'failed', taskId: entry.taskId, message: entry.message };
    case 'downloaded':
      return { ...record, state: 'downloaded', taskId: entry.taskId, download: { path: entry.path, sha256: entry.sha256, bytes: entry.bytes } };
  }
}

const steps = new Set(['submitting', 'created', 'refused', 'uncertain', 'completed', 'failed', 'downloaded']);

function isEntry(value: unknown): value is JournalEntry {
  const entry = value as Partial<JournalEntry> | null;
  return typeof entry === 'object' && entry !== null && typeof entry.key === 'string' && typeof entry.step === 'string' && steps.has(entry.step);
}

/**
 * The entries of a journal's text. Everything up to the last newline was written whole (each
 * append is one line, flushed before the next step); what follows it is a line torn by a crash
 * mid-append, and is left out. A bad line before that is damage, not a crash: refused.
 */
export function parseJournal(text: string, path: string): { entries: JournalEntry[]; wholeLength: number } {
  const wholeLength = text.lastIndexOf('\n') + 1;
  const entries: JournalEntry[] = [];
  const lines = text.slice(0, wholeLength).split('\n');
  lines.pop();
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (!isEntry(value)) {
      throw new EzvideoError('usage', `the journal ${path} is damaged at line ${index + 1}: not a journal entry`, {
        hint: 'A journal is only ever appended to by ezvideo; restore it from a copy, or move it away to start the batch afresh (jobs already created would be created again).',
      });
    }
    entries.push(value);
  });
  return { entries, wholeLength };
}

/** Flushes a folder's entries to disk; where a folder cannot be opened (Windows), the file system keeps them by its own rules. */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR' || (error as NodeJS.ErrnoException).code === 'EPERM') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file error of the journal, whose folder no flag makes: the downloads' hint (--dir creates it) would mislead. */
function journalFileError(error: unknown, path: string): EzvideoError {
  const output = toOutputError(error, path);
  if (output.causeCode !== 'ENOENT') return output;
  return new EzvideoError('output', output.message, { cause: error, causeCode: output.causeCode, hint: `Create the folder first (mkdir -p ${dirname(path)}), or give --journal a path in a folder that exists.` });
}

/**
 * The append-only record of a batch of creates, one JSON line per step of a job, keyed by the
 * job. Held with a lock beside it (`<journal>.lock`) for as long as it is open, so a second run
 * on the same journal refuses at once, naming the first. Every append is flushed to disk
 * before the call returns: a create is sent only once its `submitting` line is on disk, and a
 * `kill -9` at any moment leaves at most one torn last line, which the next open cuts off.
 */
export class Journal {
  readonly path: string;
  readonly #handle: FileHandle;
  readonly #release: () => Promise<void>;
  readonly #records: Map<string, JobRecord>;
  #queue: Promise<void> = Promise.resolve();

  private constructor(path: string, handle: FileHandle, release: () => Promise<void>, records: Map<string, JobRecord>) {
    this.path = path;
    this.#handle = handle;
    this.#release = release;
    this.#records = records;
  }

  static async open(path: string, owner: LockOwner = lockNeverExpires): Promise<Journal> {
    const release = await acquireOutputLock(`${path}.lock`, path, owner, 'in use').catch((error: unknown) => {
      throw journalFileError(error, path);
    });
    try {
      let created = false;
      const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw toOutputError(error, path);
        created = true;
        return '';
      });
      const { entries, wholeLength } = parseJournal(text, path);
      // The torn tail goes, so the next line does not continue it.
      if (wholeLength < Buffer.byteLength(text)) await truncate(path, Buffer.byteLength(text.slice(0, wholeLength)));
      const records = new Map<string, JobRecord>();
      for (const entry of entries) records.set(entry.key, fold(records.get(entry.key) ?? fresh, entry));
      const handle = await open(path, 'a').catch((error: unknown) => {
        throw journalFileError(error, path);
      });
      // The appends' fdatasync covers the file's bytes, not its name in the folder.
      if (created) {
        await syncFolder(dirname(path)).catch(async (error: unknown) => {
          await handle.close();
          throw toOutputError(error, path);
        });
      }
      return new Journal(path, handle, release, records);
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** What the journal knows of a job; a job it has never seen is `new`. */
  record(key: string): JobRecord {
    return this.#records.get(key) ?? fresh;
  }

  /** Appends one step and flushes it to disk; appends are written in the order they are made. */
  append(key: string, line: number, step: JournalStep): Promise<void> {
    const entry: JournalEntry = { key, line, at: new Date().toISOString(), ...step };
    const written = this.#queue.then(async () => {
      await this.#handle.write(`${JSON.stringify(entry)}\n`);
      await this.#handle.datasync();
      this.#records.set(key, fold(this.record(key), step));
    });
    // One failed append (a full disk) fails its caller, not every later one.
    this.#queue = written.catch(() => {});
    return written.catch((error: unknown) => {
      throw toOutputError(error, this.path);
    });
  }

  async close(): Promise<void> {
    await this.#queue;
    await this.#handle.close();
    await this.#release();
  }
}
