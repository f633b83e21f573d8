import type { Answers } from '$lib/api/campaigns';

/**
 * Unfinished answers kept on the device (localStorage), per campaign and member, so that leaving
 * the page — a call on a job site, a dropped connection — loses nothing. Removed once sent.
 */
const key = (campaignId: string, userId: string) => `hub:feedback-draft:${userId}:${campaignId}`;

export function loadDraft(campaignId: string, userId: string): Answers {
  try {
    const saved = localStorage.getItem(key(campaignId, userId));
    const parsed: unknown = saved ? JSON.parse(saved) : null;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Answers) : {};
  } catch {
    return {};
  }
}

export function saveDraft(campaignId: string, userId: string, answers: Answers): void {
  try {
    if (Object.keys(answers).length) localStorage.setItem(key(campaignId, userId), JSON.stringify(answers));
    else localStorage.removeItem(key(campaignId, userId));
  } catch {
    // Storage full or disabled: the form still works, the draft is just not kept.
  }
}

export function clearDraft(campaignId: string, userId: string): void {
  try {
    localStorage.removeItem(key(campaignId, userId));
  } catch {
    // as above
  }
}

/** The answers worth sending: blank optional ones left out. */
export function filled(answers: Answers): Answers {
  return Object.fromEntries(
    Object.entries(answers).filter(
      ([, value]) =>
        value !== undefined &&
        !(typeof value === 'string' && !value.trim()) &&
        !(Array.isArray(value) && !value.length),
    ),
  );
}
