import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call } from '../../../api/client';
import { pathForFile } from '../../../api/filePath';
import { queryKeys } from '../../../api/queryKeys';
import { carriesFiles, planDrop } from './dropFiles';

export interface DropNotice {
  kind: 'added' | 'error' | 'browser';
  message: string;
}

/**
 * A .gguf dropped anywhere on the window joins the library. The desktop window knows the file's path (the
 * preload's webUtils); a browser never tells a page where a file is, so there the user is told how to add it.
 * Any other drop of files is refused in words rather than opened by the browser in place of the app.
 */
export function useModelDrop(modelsDir: string | undefined): { dragging: boolean; notice: DropNotice | null; dismiss: () => void } {
  const qc = useQueryClient();
  const [dragging, setDragging] = useState(false);
  const [notice, setNotice] = useState<DropNotice | null>(null);
  useEffect(() => {
    let depth = 0;
    const over = (e: DragEvent): void => {
      if (!carriesFiles(e.dataTransfer?.types)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const enter = (e: DragEvent): void => {
      if (!carriesFiles(e.dataTransfer?.types)) return;
      depth += 1;
      setDragging(true);
    };
    const leave = (e: DragEvent): void => {
      if (!carriesFiles(e.dataTransfer?.types)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent): void => {
      if (!carriesFiles(e.dataTransfer?.types)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      void add(files);
    };
    const add = async (files: File[]): Promise<void> => {
      const plan = planDrop(files);
      if (plan.gguf.length === 0) {
        setNotice({
          kind: 'error',
          message: `${plan.others.join(', ') || 'That'} ${plan.others.length === 1 ? 'is not a GGUF model' : 'are not GGUF models'}: only .gguf files can be added.`,
        });
        return;
      }
      const added: string[] = [];
      for (const i of plan.gguf) {
        const file = files[i]!;
        const path = pathForFile(file);
        if (!path) {
          setNotice({
            kind: 'browser',
            message: `A browser cannot tell Hearth where ${file.name} is on disk. Put it in ${modelsDir ?? 'the models folder'}, or add it by its full path under Models, Library.`,
          });
          return;
        }
        try {
          added.push((await call('models:add', { path })).fileName);
        } catch (err) {
          setNotice({ kind: 'error', message: `Could not add ${file.name}: ${(err as Error).message}` });
          return;
        }
      }
      void qc.invalidateQueries({ queryKey: queryKeys.models });
      const skipped = plan.others.length > 0 ? ` (${plan.others.join(', ')} left out: not .gguf)` : '';
      setNotice({ kind: 'added', message: `Added ${added.join(', ')} to the library${skipped}.` });
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [qc, modelsDir]);
  return { dragging, notice, dismiss: () => setNotice(null) };
}
