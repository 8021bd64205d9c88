import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Stats } from "node:fs";
/** The largest file `envFile` reads (a CA bundle, a certificate, a key). @default 1 MiB */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** The file's bytes (a Buffer, typed as the Uint8Array the declarations may name), or why it cannot be used. */
export function readSmallRegularFile(path: string): Uint8Array | string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return `cannot read the file (${(err as { code?: string }).code ?? "unreadable"})`;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return `not a regular file (${fileKind(stat)})`;
    if (stat.size > MAX_ENV_FILE_BYTES) return `the file is ${stat.size} bytes, more than the ${MAX_ENV_FILE_BYTES} allowed`;
    // Read up to one byte past the cap whatever the size says: a file that grows while it is
    // read, or reports no size (procfs), is still bounded.
    const buf = Buffer.allocUnsafe(MAX_ENV_FILE_BYTES + 1);
    let size = 0;
    for (let n = 1; n > 0 && size < buf.length; size += n) n = readSync(fd, buf, size, buf.length - size, null);
    if (size > MAX_ENV_FILE_BYTES) return `the file is more than the ${MAX_ENV_FILE_BYTES} bytes allowed`;
    return Buffer.from(buf.subarray(0, size));
  } catch (err) {
    return `cannot read the file (${(err as { code?: string }).code ?? "unreadable"})`;
  } finally {
    closeSync(fd);
  }
}

function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO or pipe";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}
