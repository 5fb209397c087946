/**
 * Which faults apply to a request: the server-wide defaults, then every `setFaults` rule whose
 * pattern matches the task id, later rules overriding earlier ones field by field. Each rule
 * counts the requests it has seen per task and endpoint, which is what `times` and
 * `failFirst.count` are measured against.
 */
import type { Faults } from './faults.js';

export type Endpoint = 'create' | 'status' | 'content';

/** Faults in force for one request, with `times` and `failFirst.count` already applied. */
export interface ActiveFaults extends Faults {
  /** 0 for the first content response of this task (under the rule that set a seeded reset). */
  contentOrdinal: number;
}

interface Rule {
  pattern: string;
  matches: (id: string) => boolean;
  faults: Faults;
  counts: Map<string, number>;
}

const bodyFaults = ['reset', 'stall', 'shortBody', 'chunkedCut', 'artifactError'] as const;
const createFaults = ['createTimeout', 'createReset', 'failGeneration'] as const;

export class FaultRules {
  private readonly rules: Rule[] = [];

  constructor(defaults: Faults = {}) {
    this.rules.push(makeRule('*', defaults));
  }

  /** Replaces the rule for this exact pattern (`*` wildcards allowed); `{}` clears it. */
  set(pattern: string, faults: Faults): void {
    const existing = this.rules.findIndex((rule, i) => i > 0 && rule.pattern === pattern);
    if (existing > 0) this.rules.splice(existing, 1);
    this.rules.push(makeRule(pattern, faults));
  }

  /**
   * The faults for a request to `endpoint` of task `id`, without counting it. `commit` counts
   * it; a request that ends up not being served (a redirect) is not committed, so that the
   * second origin's request is the one that meets `times`.
   */
  resolve(id: string, endpoint: Endpoint): { faults: ActiveFaults; commit: () => void } {
    const active: ActiveFaults = { contentOrdinal: 0 };
    const matching = this.rules.filter((rule) => rule.matches(id));
    for (const rule of matching) {
      const ordinal = (what: Endpoint | 'any') => rule.counts.get(`${what}\0${id}`) ?? 0;
      const { failFirst, ...rest } = rule.faults;
      Object.assign(active, withoutUndefined(rest));
      if (failFirst) {
        const on = failFirst.on ?? 'content';
        if (on === 'any' || on === endpoint) {
          if (ordinal(on) < failFirst.count) active.failFirst = failFirst;
        }
      }
      if (endpoint === 'content') {
        for (const name of bodyFaults) {
          const fault = rule.faults[name];
          if (fault?.times !== undefined && ordinal('content') >= fault.times) delete active[name];
        }
        if (rule.faults.reset) active.contentOrdinal = ordinal('content');
      }
      if (endpoint === 'create') {
        for (const name of createFaults) {
          const fault = rule.faults[name];
          if (fault?.times !== undefined && ordinal('create') >= fault.times) delete active[name];
        }
      }
    }
    const commit = () => {
      for (const rule of matching) {
        for (const what of [endpoint, 'any']) {
          const key = `${what}\0${id}`;
          rule.counts.set(key, (rule.counts.get(key) ?? 0) + 1);
        }
      }
    };
    return { faults: active, commit };
  }
}

function makeRule(pattern: string, faults: Faults): Rule {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return { pattern, matches: (id) => regex.test(id), faults, counts: new Map() };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
