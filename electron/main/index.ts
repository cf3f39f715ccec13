/** The desktop shell: app lifecycle, the window and the IPC transport. Services live in plain Node modules. */
import { app, BrowserWindow, dialog, shell } from 'electron';
import { AppError } from '../../shared/errors';
import { join } from 'node:path';
import { createBackend, type Backend } from '../api/backend';
import { SafeStorageSecretStore } from './safeStorageSecrets';
import { lockDataDir } from '../lib/dataLock';
import { installCrashHandlers, logError, startLog } from '../lib/log';
import { registerIpc } from './ipcTransport';
import { utilitySpawner } from './utilitySpawner';
import { createMainWindow, isAppUrl } from './window';

let backend: Backend | null = null;
let win: BrowserWindow | null = null;

// A second copy only hands its turn to the first (which comes to the front) and quits: it must not open the
// database, where starting the chat service would mark the first copy's live answers as failed.
if (app.requestSingleInstanceLock()) start();
else app.quit();

function start(): void {
  const dataDir = app.getPath('userData');
  const log = startLog({ dir: join(dataDir, 'logs'), processName: 'main' });
  installCrashHandlers((code) => {
    dialog.showErrorBox('Hearth stopped', `An unexpected error stopped Hearth. The details are in ${log.path()}.`);
    app.exit(code);
  });

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app
    .whenReady()
    .then(() => {
      // The same folder may be in use by a headless server (`npm run serve` defaults to it).
      lockDataDir(dataDir);
      backend = createBackend({
        dataDir,
        modelsDir: join(dataDir, 'models'),
        spawner: utilitySpawner(join(__dirname, 'worker.js')),
        // The Hub's address: a mirror or a test server stands in through HF_ENDPOINT, as with huggingface_hub.
        ...(process.env.HF_ENDPOINT ? { hubUrl: process.env.HF_ENDPOINT } : {}),
        gpu: 'auto',
        threads: 0,
        shell: 'desktop',
        version: app.getVersion(),
        pickFile: async () => {
          const options = {
            title: 'Open a GGUF model',
            properties: ['openFile' as const],
            filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
          };
          const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
        pickPath: async (kind) => {
          const options = {
            title: kind === 'folder' ? 'Add a folder to the collection' : 'Add a file to the collection',
            properties: [kind === 'folder' ? ('openDirectory' as const) : ('openFile' as const)],
          };
          const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
        // shell.openPath answers its failure as a string rather than throwing.
        openPath: async (path) => {
          const error = await shell.openPath(path);
          if (error) throw new AppError('UNSUPPORTED', `Could not open ${path}: ${error}`);
        },
        // Provider keys: encrypted with the system keyring through safeStorage (basic_text on a Linux without one, and
        // the Connections view says so).
        secrets: new SafeStorageSecretStore(join(dataDir, 'secrets')),
      });
      // The API server starts only if the user switched it on (a setting); it stops with the backend.
      void backend.api.start();
      registerIpc(backend, isAppUrl, () => win?.webContents ?? null);
      win = createMainWindow();
      win.on('closed', () => {
        win = null;
      });
    })
    .catch((error: unknown) => {
      logError('could not start', error);
      dialog.showErrorBox('Hearth could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });

  app.on('window-all-closed', () => app.quit());

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !backend) return;
    event.preventDefault();
    quitting = true;
    void backend.dispose(3000).finally(() => app.quit());
  });
}
