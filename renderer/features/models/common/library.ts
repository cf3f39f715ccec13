import type { LibraryModel } from '../../../../shared/models';
import type { AppInfo, Settings } from '../../../../shared/types';

/** The models that can answer a chat: not LoRA adapters nor embedding models (unread ones may be either, so stay). */
export function chatModels(models: readonly LibraryModel[] | undefined): LibraryModel[] {
  return (models ?? []).filter((m) => m.meta?.kind !== 'adapter' && m.meta?.kind !== 'embedding');
}

/** The models folder now: the one the user chose, else the one Hearth started with. */
export function modelsDirOf(info: AppInfo | undefined, settings: Settings | undefined): string | undefined {
  return settings?.modelsFolder ?? info?.modelsDir;
}
