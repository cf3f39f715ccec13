import { useQuery } from '@tanstack/react-query';
import type { AppInfo, EngineState, Settings } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { modelsDirOf } from '../common/library';
import { openModels } from '../viewStore';
import { AddModel } from './AddModel';
import { LibraryItem } from './LibraryItem';
import { ModelsFolder } from './ModelsFolder';

interface Props {
  info: AppInfo | undefined;
  settings: Settings | undefined;
  engine: EngineState | undefined;
}

/** The models on this machine: the models folder (split files as one) and files opened from elsewhere. */
export function Library({ info, settings, engine }: Props) {
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const adapters = (models.data ?? []).filter((m) => m.meta?.kind === 'adapter');
  return (
    <div className="library">
      <ModelsFolder dir={modelsDirOf(info, settings)} isDefault={!settings?.modelsFolder} />
      <AddModel info={info} />
      {models.error && (
        <p className="models-error" role="alert">
          Could not list the models: {models.error.message}
        </p>
      )}
      {models.data?.length === 0 && (
        <div className="models-empty" data-testid="library-empty">
          <p>No models yet.</p>
          <button type="button" className="button" onClick={() => openModels('discover')}>
            Find one to download
          </button>
        </div>
      )}
      {models.data && models.data.length > 0 && (
        <ul className="library-list" aria-label="Models">
          {models.data.map((m) => (
            <LibraryItem key={m.path} model={m} adapters={adapters} engine={engine} />
          ))}
        </ul>
      )}
    </div>
  );
}
