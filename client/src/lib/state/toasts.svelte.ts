export interface Toast {
  id: number;
  /** One line per message; messages arriving together share one toast. */
  lines: string[];
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

  push(text: string, kind: Toast['kind'] = 'info'): void {
    const last = this.items.at(-1);
    const now = Date.now();
    if (last && last.kind === kind && now - last.at < GROUP_MS) {
      last.lines = [...last.lines, text];
      last.at = now;
      this.schedule(last.id);
      return;
    }
    const toast = { id: this.nextId++, lines: [text], kind, at: now };
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
