/**
 * Every create and remix the simulator received, so that tests can count what a client would
 * have been billed for: tasks made in all, per `Idempotency-Key`, and what each request
 * carried (its fields, its file parts and their bytes).
 */

export interface ReceivedFile {
  /** The form field (`input_reference`). */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface CreationRecord {
  route: 'create' | 'remix';
  /** The id of the task made, or of the one an honoured Idempotency-Key answered with. */
  taskId: string;
  /** The task remixed, for `/remix`. */
  remixOf: string | undefined;
  idempotencyKey: string | undefined;
  /** `false` when a repeated Idempotency-Key was answered with its first task (no new task). */
  created: boolean;
  /** `json` or `multipart`. */
  encoding: 'json' | 'multipart';
  /** The text fields as received (JSON values other than strings kept as they came). */
  fields: Record<string, unknown>;
  files: ReceivedFile[];
}

export class CreationLog {
  readonly records: CreationRecord[] = [];
  private readonly byKey = new Map<string, string>();

  /** The task an earlier create with this key made, when keys are honoured. */
  taskFor(key: string | undefined): string | undefined {
    return key === undefined ? undefined : this.byKey.get(key);
  }

  add(record: CreationRecord): void {
    this.records.push(record);
    if (record.created && record.idempotencyKey !== undefined && !this.byKey.has(record.idempotencyKey)) {
      this.byKey.set(record.idempotencyKey, record.taskId);
    }
  }

  /** Tasks made (a repeated key that was deduplicated is not one); with `key`, those it made. */
  count(key?: string): number {
    return this.records.filter((record) => record.created && (key === undefined || record.idempotencyKey === key)).length;
  }
}
