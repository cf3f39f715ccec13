import type { ExportFile } from '../../../shared/types';
import { IMPORT_MAX_BYTES, IMPORT_PART_CHARS } from '../../../shared/contract';
import { call } from '../../api/client';

/** Hands an export to the browser as a download (the desktop shell turns it into a save dialog). */
export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference by now; a later tick is enough.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Sends a file to main in parts small enough for one socket frame each, never splitting a surrogate pair, then
 * imports it. Main checks everything again; the size check here only saves sending a file it would refuse.
 */
export async function importFile(file: File, onProgress: (fraction: number) => void) {
  if (file.size > IMPORT_MAX_BYTES) {
    throw new Error(
      `This file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB, the most Hearth imports at once. Nothing was imported.`,
    );
  }
  const text = await file.text();
  const uploadId = crypto.randomUUID();
  let index = 0;
  for (let at = 0; at < text.length || index === 0; index++) {
    let end = Math.min(at + IMPORT_PART_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    await call('conversations:importPart', { uploadId, index, text: text.slice(at, end) });
    at = end;
    onProgress(text.length ? at / text.length : 1);
  }
  return call('conversations:import', { uploadId });
}
