// Extraction on other threads. Parsing a page and reading its listings is most of a page job's
// CPU, and a worker process's one JavaScript thread also runs its queues, fetches and database
// I/O: with extraction on a thread of its own, one worker process uses two cores. The result
// is extractListings' own (a pure function; its result crosses as a structured clone).
//
// A source definition crosses to a thread once, not with every page: the pool numbers each
// definition object it is given (definitions are parsed once and never modified afterwards;
// the source cache hands the same object to every page job until it re-reads the source), the
// thread keeps the last MAX_DEFS it was sent by number, and a page carries only the number of
// its definition. A definition can be large (a source with thousands of start URLs clones in
// ≈ 0.3 ms each way), and a page's own text far smaller.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SourceDefinition } from '../sources/source.schema.ts';
import type { ExtractResult, PageInput } from './listing.schema.ts';

/** definitions a thread keeps (least recently used dropped first) */
export const MAX_DEFS = 32;

/** What a thread is sent for one page (see extract-thread.ts). */
export interface ToThread {
  id: number;
  page: PageInput;
  /** the number of the page's definition */
  def: number;
  /** the definition itself, when the thread does not hold it yet */
  source?: SourceDefinition;
  /** a definition the thread may forget (the pool will send it again if it comes back) */
  drop?: number;
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve(r: ExtractResult): void; reject(err: Error): void }>;
  /** settles when the thread has loaded the extractor */
  ready: Promise<void>;
  /** the definitions the thread holds, by number, least recently used first */
  defs: Set<number>;
}

/** Threads a worker process uses for extraction by default: one per core beyond the first, at most 2. */
export function defaultExtractThreads(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

export class ExtractPool {
  private threads: (Thread | undefined)[];
  private nextId = 0;
  private closed = false;
  private readonly defNumbers = new WeakMap<SourceDefinition, number>();
  private nextDef = 0;

  constructor(size: number) {
    this.threads = new Array(Math.max(1, size)).fill(undefined);
  }

  /** extractListings(page, def), on the least busy thread */
  extract(page: PageInput, def: SourceDefinition): Promise<ExtractResult> {
    if (this.closed) return Promise.reject(new Error('extraction pool closed'));
    let at = 0;
    for (let i = 1; i < this.threads.length; i++) {
      if ((this.threads[i]?.pending.size ?? 0) < (this.threads[at]?.pending.size ?? 0)) at = i;
    }
    const thread = (this.threads[at] ??= this.spawn(at));
    const id = this.nextId++;
    const message: ToThread = { id, page, def: this.numberOf(def) };
    if (thread.defs.delete(message.def)) thread.defs.add(message.def);
    else {
      message.source = def;
      thread.defs.add(message.def);
      if (thread.defs.size > MAX_DEFS) {
        message.drop = thread.defs.values().next().value!;
        thread.defs.delete(message.drop);
      }
    }
    return new Promise<ExtractResult>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage(message);
    });
  }

  /** Starts every thread now (instead of at the first page) and waits until each can extract. */
  async start(): Promise<void> {
    await Promise.all(this.threads.map((t, i) => (this.threads[i] = t ?? this.spawn(i)).ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.filter((t): t is Thread => t !== undefined);
    this.threads.fill(undefined);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private numberOf(def: SourceDefinition): number {
    let n = this.defNumbers.get(def);
    if (n === undefined) this.defNumbers.set(def, (n = this.nextDef++));
    return n;
  }

  private spawn(at: number): Thread {
    const worker = new Worker(new URL('./extract-thread.mjs', import.meta.url));
    // idle threads do not keep the process alive
    worker.unref();
    let isReady!: () => void;
    let notReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((isReady = resolve), (notReady = reject)));
    ready.catch(() => undefined);
    const thread: Thread = { worker, pending: new Map(), ready, defs: new Set() };
    worker.on('message', (m: { id: number; result: ExtractResult } | { ready: true }) => {
      if ('ready' in m) return isReady();
      const p = thread.pending.get(m.id);
      thread.pending.delete(m.id);
      p?.resolve(m.result);
    });
    // a thread that dies fails the pages it held (their jobs are retried); the next page gets a new thread
    const lost = (err: Error) => {
      notReady(err);
      if (this.threads[at] === thread) this.threads[at] = undefined;
      for (const p of thread.pending.values()) p.reject(err);
      thread.pending.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`extraction thread exited (code ${code})`)));
    return thread;
  }
}
