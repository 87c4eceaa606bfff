// Small form pieces shared by the desk's forms.
import type { Party } from '../types.ts';
import { h, replace } from '../ui/dom.ts';

/** A compact list of parties to tick (a <select multiple> is hard to use on a phone). */
export function partyChecklist(name: string, parties: () => Party[], opts: { only?: string[] } = {}): { root: HTMLElement; value(): string[]; clear(): void; render(): void } {
  const root = h('div', { class: 'party-checklist', 'data-testid': `parties-${name}`, role: 'group' });
  const chosen = new Set<string>();
  function render(): void {
    const list = parties().filter((p) => !opts.only || opts.only.includes(p.id));
    if (!list.length) {
      replace(root, h('span', { class: 'muted small' }, 'Loading parties…'));
      return;
    }
    replace(
      root,
      list.map((p) => {
        const box = h('input', { type: 'checkbox', name, value: p.id, checked: chosen.has(p.id) });
        box.addEventListener('change', () => (box.checked ? chosen.add(p.id) : chosen.delete(p.id)));
        return h('label', { class: 'check', title: p.name }, box, p.name);
      }),
    );
  }
  render();
  return {
    root,
    value: () => [...chosen],
    clear() {
      chosen.clear();
      render();
    },
    render,
  };
}

export const partyOptions = (parties: Party[], empty?: string): HTMLOptionElement[] => [
  ...(empty !== undefined ? [h('option', { value: '' }, empty)] : []),
  ...parties.map((p) => h('option', { value: p.id }, p.name)),
];
