import { readFile, rm } from 'node:fs/promises';
import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LicenceCard } from '../../../shared/models';

/** The licence card kept beside a downloaded model (`<file>.licence.json`), so it travels with the file. */
export const licenceSidecarPath = (modelPath: string): string => `${modelPath}.licence.json`;

/** Written whole or not at all: a crash mid-write leaves the old card (or none), never half of one. */
export function writeLicenceSidecar(modelPath: string, card: LicenceCard): void {
  const target = licenceSidecarPath(modelPath);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(card, null, 2)}\n`);
  renameSync(temp, target);
}

/** The card beside a model file (one copied in from another machine too), or null when there is none or it is not a card. */
export async function readLicenceSidecar(modelPath: string): Promise<LicenceCard | null> {
  let text: string;
  try {
    text = await readFile(licenceSidecarPath(modelPath), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = LicenceCard.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function removeLicenceSidecar(modelPath: string): Promise<void> {
  await rm(licenceSidecarPath(modelPath), { force: true });
}
