import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a verified partial file the model: its bytes reach the disk first, then one rename puts it at its final
 * name, so after a crash the final name holds the whole checked file or nothing.
 */
export async function moveIntoPlace(partPath: string, finalPath: string): Promise<void> {
  await fsyncPath(partPath, 'r+');
  await rename(partPath, finalPath);
  // The rename itself lives in the folder's entry; Windows cannot open a folder for this and needs no such step.
  if (process.platform !== 'win32') await fsyncPath(dirname(finalPath), 'r').catch(() => undefined);
}
