export interface ToastLine {
  text: string;
  /** A client path the line opens (a notification's link). */
  href?: string;
  /** Called when the line's link is followed (e.g. to mark its notification read). */
  onopen?: () => void;
}

export interface Toast {
  id: number;
  /** One line per message; messages arriving together share one toast. */
  lines: ToastLine[];
  kind: 'success' | 'info' | 'error';
  at: number;
}

const VISIBLE_MS = 7000;
/** Messages of the same kind this close together (one award: points, badge, challenge, tier) are grouped. */
const GROUP_MS = 1500;

/** Short-lived messages announced to screen readers by the Toasts region. */
class Toasts {
  items = $state<Toast[]>([]);
  private nextId = 1;
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  push(text: string, kind: Toast['kind'] = 'info', link: Omit<ToastLine, 'text'> = {}): void {
    const line = { text, ...link };
    const last = this.items.at(-1);
    const now = Date.now();
    if (last && last.kind === kind && now - last.at < GROUP_MS) {
      last.lines = [...last.lines, line];
      last.at = now;
      this.schedule(last.id);
      return;
    }
    const toast = { id: this.nextId++, lines: [line], kind, at: now };
    this.items = [...this.items.slice(-3), toast];
    this.schedule(toast.id);
  }

  dismiss(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.items = this.items.filter((toast) => toast.id !== id);
  }

  private schedule(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => this.dismiss(id), VISIBLE_MS),
    );
  }
}

export const toasts = new Toasts();
