import { BrowserWindow, shell, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const rendererIndex = join(__dirname, '../renderer/index.html');
const devUrl = process.env.ELECTRON_RENDERER_URL;

/** The app's own address: the dev server in development, the built index.html otherwise. */
export function isAppUrl(url: string): boolean {
  if (devUrl) return url.startsWith(devUrl);
  return url.split(/[?#]/)[0] === pathToFileURL(rendererIndex).href;
}

/** The one window, with the security defaults of a serious Electron app. */
export function createMainWindow(): BrowserWindow {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Hearth',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererIndex);
  return win;
}
