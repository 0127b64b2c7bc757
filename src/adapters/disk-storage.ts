import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';
import { STORAGE_KEY, type AttachmentStorage } from '../domain/attachments/storage.ts';

/** Attachment bytes as files under one folder (ATTACHMENTS_DIR); written to a temporary name and renamed, so a reader never sees half a file. */
export class LocalDiskStorage implements AttachmentStorage {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    // Keys come from newStorageKey(); anything else (a path, "..") is refused outright.
    if (!STORAGE_KEY.test(key)) throw new Error(`invalid storage key: ${key}`);
    return path.join(this.root, key);
  }

  async put(key: string, data: Readable | Buffer): Promise<void> {
    const file = this.pathOf(key);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const part = `${file}.${process.pid}.part`;
    try {
      await pipeline(Buffer.isBuffer(data) ? Readable.from([data]) : data, fs.createWriteStream(part, { flags: 'wx', mode: 0o640 }));
      await fsp.rename(part, file);
    } catch (err) {
      await fsp.rm(part, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable | null> {
    const file = this.pathOf(key);
    try {
      const handle = await fsp.open(file, 'r');
      return handle.createReadStream();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }
}

/** The storage the configuration names (today: the local disk under ATTACHMENTS_DIR). */
export function attachmentStorageFor(config: Pick<Config, 'ATTACHMENTS_DIR'>): AttachmentStorage {
  return new LocalDiskStorage(config.ATTACHMENTS_DIR);
}
