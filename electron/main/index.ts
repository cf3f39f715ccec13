/** The desktop shell: app lifecycle, the window and the IPC transport. Services live in plain Node modules. */
import { app, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { createBackend, type Backend } from '../api/backend';
import { registerIpc } from './ipcTransport';
import { utilitySpawner } from './utilitySpawner';
import { createMainWindow, isAppUrl } from './window';

let backend: Backend | null = null;
let win: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  if (win) { if (win.isMinimized()) win.restore(); win.focus(); }
});

app.whenReady().then(() => {
  const dataDir = app.getPath('userData');
  backend = createBackend({
    dataDir,
    modelsDir: join(dataDir, 'models'),
    spawner: utilitySpawner(join(__dirname, 'worker.js')),
    gpu: 'auto',
    threads: 0,
    shell: 'desktop',
    version: app.getVersion(),
    pickFile: async () => {
      const options = { title: 'Open a GGUF model', properties: ['openFile' as const], filters: [{ name: 'GGUF models', extensions: ['gguf'] }] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  });
  registerIpc(backend, isAppUrl, () => win?.webContents ?? null);
  win = createMainWindow();
  win.on('closed', () => { win = null; });
}).catch((error: unknown) => {
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
