export interface Toast {
  id: number;
  text: string;
  kind: 'success' | 'info' | 'error';
}

const VISIBLE_MS = 7000;

/** Short-lived messages announced to screen readers by the Toasts region. */
class Toasts {
  items = $state<Toast[]>([]);
  private nextId = 1;

  push(text: string, kind: Toast['kind'] = 'info'): void {
    const toast = { id: this.nextId++, text, kind };
    this.items = [...this.items.slice(-3), toast];
    setTimeout(() => this.dismiss(toast.id), VISIBLE_MS);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
