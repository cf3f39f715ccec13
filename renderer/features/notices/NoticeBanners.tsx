import { useState } from 'react';
import { z } from 'zod';
import type { AppInfo } from '../../../shared/types';

type Notice = NonNullable<AppInfo['notices']>[number];

const DISMISSED_KEY = 'hearth.dismissedNotices';
const Dismissed = z.array(z.string());

function readDismissed(): string[] {
  try {
    const parsed = Dismissed.safeParse(JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/**
 * What main wants the user to know about this start (a damaged database set aside, and where it is). Each stays
 * until dismissed; a notice's text names its own file and time, so it is its key, and a reload keeps it dismissed.
 */
export function NoticeBanners({ notices }: { notices: Notice[] | undefined }) {
  const [dismissed, setDismissed] = useState(readDismissed);
  const dismiss = (message: string): void => {
    const next = [...dismissed, message];
    setDismissed(next);
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(next));
  };
  return (notices ?? [])
    .filter((n) => !dismissed.includes(n.message))
    .map((n) => (
      <div key={n.message} className="banner banner-warn" role="alert" data-testid={`notice-${n.kind}`}>
        {n.message}{' '}
        <button type="button" className="button button-small button-ghost" onClick={() => dismiss(n.message)}>
          Dismiss
        </button>
      </div>
    ));
}
