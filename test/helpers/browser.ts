import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with every background connection off (the machines have no internet). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Picks a model with the model menu (a button and a listbox), by its file name. */
export async function pickModel(page: Page, pathOrName: string): Promise<void> {
  const name = pathOrName.split(/[\\/]/).pop()!;
  await page.locator('[data-testid="model-picker"]').click();
  await page.locator('[data-testid="model-menu"] [role="option"]', { hasText: name }).click();
}
