// Extraction on other threads. Parsing a page and reading its listings is most of a page job's
// CPU, and a worker process's one JavaScript thread also runs its queues, fetches and database
// I/O: with extraction on a thread of its own, one worker process uses two cores. The result
// is extractListings' own (a pure function; its result crosses as a structured clone).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SourceDefinition } from '../sources/source.schema.ts';
import type { ExtractResult, PageInput } from './listing.schema.ts';

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve(r: ExtractResult): void; reject(err: Error): void }>;
  /** settles when the thread has loaded the extractor */
  ready: Promise<void>;
}

/** Threads a worker process uses for extraction by default: one per core beyond the first, at most 2. */
export function defaultExtractThreads(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

export class ExtractPool {
  private threads: (Thread | undefined)[];
  private nextId = 0;
  private closed = false;

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
    return new Promise<ExtractResult>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, page, def });
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

  private spawn(at: number): Thread {
    const worker = new Worker(new URL('./extract-thread.mjs', import.meta.url));
    // idle threads do not keep the process alive
    worker.unref();
    let isReady!: () => void;
    let notReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((isReady = resolve), (notReady = reject)));
    ready.catch(() => undefined);
    const thread: Thread = { worker, pending: new Map(), ready };
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
