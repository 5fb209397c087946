import { dirname, join, resolve } from 'node:path';
import type { Variant } from '../api/client.js';
import type { VideoTask } from '../api/video.js';
import type { OutputTarget } from '../core/download.js';
import { createdField, indexField, type OutputTemplate, parseOutputTemplate, type TemplateValues } from '../core/output-template.js';
import { usageError } from '../errors.js';
import type { CommandIO } from './io.js';

const variantExtensions: Record<Variant, string> = { video: 'mp4', thumbnail: 'webp', spritesheet: 'jpg' };

/** One file of a run: which id and variant, where it stands in the input, and the task when known. */
export interface FileSlot {
  id: string;
  variant: Variant;
  /** 1-based position in the input, and how many there are, for `{index}`. */
  position: number;
  count: number;
  task?: VideoTask | undefined;
}

/** The name of a file in a batch's messages: its id, and its variant when a run asks for several. */
export function slotName(slot: Pick<FileSlot, 'id' | 'variant'>, severalVariants: boolean): string {
  return severalVariants ? `${slot.id} (${slot.variant})` : slot.id;
}

/**
 * Where each file of a run goes: `-o` (a file, `-` for stdout, or a template), `--dir` (a
 * folder, or a template of one, for `<id>.<ext>` files), or `<id>.<ext>` here. A default name
 * and a template ending in `.{ext}` follow the type the server really sends (`.webm` for WebM).
 */
export class OutputPaths {
  readonly #output: OutputTemplate | undefined;
  readonly #dir: OutputTemplate | undefined;
  readonly #stdout: boolean;

  constructor(flags: { output?: string | undefined; dir?: string | undefined }) {
    this.#stdout = flags.output === '-';
    this.#output = flags.output === undefined || this.#stdout ? undefined : parseOutputTemplate(flags.output);
    this.#dir = flags.dir === undefined ? undefined : parseOutputTemplate(flags.dir);
  }

  /** Whether a path needs the task's status (`{model}`, `{created}`, `{seconds}`, `{size}`). */
  get needsTask(): boolean {
    return (this.#output?.needsTask ?? false) || (this.#dir?.needsTask ?? false);
  }

  /** Whether `-o` names one file only: a plain name, not a template with `{id}` or `{index}` in it. */
  get oneFileOnly(): boolean {
    return this.#output !== undefined && !this.#output.perId;
  }

  /** Whether `-o` names a single plain file (no field at all), which several variants would overwrite. */
  get plainOutput(): boolean {
    return this.#output !== undefined && !this.#output.hasFields;
  }

  /**
   * The folder to create for a file: `--dir`'s, and a template's (its fields may name new
   * folders); a plain `-o` path's folder must exist, as for any program writing a file.
   */
  folderToMake(output: OutputTarget): string | undefined {
    if (output.kind === 'stream') return undefined;
    if (this.#output !== undefined) return this.#output.hasFields ? dirname(output.path) : undefined;
    return this.#dir === undefined ? undefined : dirname(output.path);
  }

  target(slot: FileSlot, io: Pick<CommandIO, 'stdout'>): OutputTarget {
    if (this.#stdout) return { kind: 'stream', stream: io.stdout };
    const values = valuesOf(slot);
    if (this.#output !== undefined) return { kind: 'file', path: this.#output.render(values), renameByType: this.#output.endsWithExt };
    const name = `${slot.id}.${values.ext}`;
    return { kind: 'file', path: this.#dir === undefined ? name : join(this.#dir.render(values), name), renameByType: true };
  }
}

function valuesOf(slot: FileSlot): TemplateValues {
  const { task } = slot;
  return {
    id: slot.id,
    variant: slot.variant,
    ext: variantExtensions[slot.variant],
    model: task?.model,
    created: createdField(task?.createdAt),
    seconds: task?.seconds,
    size: task?.size,
    index: indexField(slot.position, slot.count),
  };
}

/**
 * The paths the files of one run claimed: two files that would land on the same path are
 * refused (exit 2) with both named, instead of the second one failing on (or, with --force,
 * replacing) the first.
 */
export class PathClaims {
  readonly #owners = new Map<string, string>();

  claim(path: string, owner: string): void {
    const key = resolve(path);
    const holder = this.#owners.get(key);
    if (holder !== undefined && holder !== owner) {
      throw usageError(`${holder} and ${owner} would both be saved as ${path}`, 'Put {id} (or {index}, and {variant} for several variants) in the -o or --dir template so each file has a name of its own.');
    }
    this.#owners.set(key, owner);
  }
}
