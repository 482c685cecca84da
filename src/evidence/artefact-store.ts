// Artefacts (screenshots, HTML, raw responses) are stored content-addressed by SHA-256 and
// written once: a second put of the same bytes is a no-op, nothing is ever overwritten, and
// every read re-hashes the bytes so a file edited on disk is reported, never served.
// The interface is what an S3-compatible store would implement (put-if-absent, get, stat).
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { SHA256_RE, sha256Hex } from './canonical-json.ts';

export type ArtefactState = 'ok' | 'missing' | 'modified';

export interface ArtefactStore {
  /** stores the bytes under their hash; `existed` when the same bytes were already there */
  put(bytes: Buffer): Promise<{ sha256: string; size: number; existed: boolean }>;
  /** the bytes, re-hashed: throws ArtefactError ('missing' | 'modified') */
  get(sha256: string): Promise<Buffer>;
  /** re-hashes the stored bytes without throwing */
  check(sha256: string): Promise<ArtefactState>;
  /** a human-readable location, for error messages */
  describe(sha256: string): string;
}

export class ArtefactError extends Error {
  override readonly name = 'ArtefactError';
  constructor(
    readonly state: Exclude<ArtefactState, 'ok'>,
    readonly sha256: string,
    message: string,
  ) {
    super(message);
  }
}

export class FsArtefactStore implements ArtefactStore {
  constructor(readonly root: string) {}

  private file(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new ArtefactError('missing', sha256, `not a SHA-256 hash: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  describe(sha256: string): string {
    return this.file(sha256);
  }

  async put(bytes: Buffer): Promise<{ sha256: string; size: number; existed: boolean }> {
    const sha256 = sha256Hex(bytes);
    const target = this.file(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    // write a private temp file, fsync, then hard-link it into place: link() refuses to replace
    // an existing file, so a concurrent or repeated put can never overwrite stored evidence
    const tmp = path.join(path.dirname(target), `.tmp-${randomUUID()}`);
    const fh = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o444);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, target);
      return { sha256, size: bytes.length, existed: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // already stored: it must still be the same bytes, else the store has been tampered with
      const state = await this.check(sha256);
      if (state !== 'ok') throw new ArtefactError(state, sha256, `stored artefact ${target} is ${state}; refusing to overwrite it`);
      return { sha256, size: bytes.length, existed: true };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(sha256: string): Promise<Buffer> {
    const file = this.file(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtefactError('missing', sha256, `artefact ${sha256} is missing (${file})`);
      throw err;
    }
    if (sha256Hex(bytes) !== sha256) throw new ArtefactError('modified', sha256, `artefact ${sha256} has been modified (${file}: its content no longer hashes to its name)`);
    return bytes;
  }

  async check(sha256: string): Promise<ArtefactState> {
    try {
      await this.get(sha256);
      return 'ok';
    } catch (err) {
      if (err instanceof ArtefactError) return err.state;
      throw err;
    }
  }
}
