/// <reference lib="dom" />
/**
 * The namespace picker: one checkbox per namespace of the workspace (the model's `allNamespaces`),
 * so that every namespace can be shown, not only those that fit under the edge limit. Applying it
 * hides the model's unchecked namespaces at once and, when a checked one is not in the model, asks
 * for a model of the checked namespaces (the VS Code panel asks the server; the HTML page cannot,
 * so there those are disabled, with the way to get them). What to show is decided in view.ts
 * (`namespaceChoices`, `applyNamespaceChoice`).
 */
import type { ReachabilityModel } from '../../../server/src/core/ide/reachModel';
import { applyNamespaceChoice, namespaceChoices } from './view';

export interface PickerHost {
  readonly strings: (key: string) => string;
  /** The page cannot ask for another model (`matrix --format html`). */
  readonly standalone: boolean;
  /** The model's namespaces to hide changed: draw again. */
  readonly hide: (hidden: Set<string>) => void;
  /** Ask for a model of these namespaces. */
  readonly ask: (namespaces: string[]) => void;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

export class NamespacePicker {
  readonly button = h('button', { id: 'namespaces-button', 'aria-expanded': 'false', 'aria-controls': 'namespace-picker' });
  readonly panel = h('div', { id: 'namespace-picker', hidden: '' });
  private readonly filter = h('input', { type: 'search', id: 'namespace-filter' });
  private readonly list = h('ul', { id: 'namespace-list' });
  private readonly all = h('button', { id: 'namespace-all' });
  private readonly none = h('button', { id: 'namespace-none' });
  private readonly apply = h('button', { id: 'namespace-apply', class: 'primary' });
  private model: ReachabilityModel | undefined;
  private hidden = new Set<string>();

  constructor(private readonly host: PickerHost) {
    this.panel.append(h('div', { class: 'picker-tools' }, this.filter, this.all, this.none, this.apply), this.list);
    this.button.addEventListener('click', () => this.toggle(this.panel.hidden));
    this.filter.addEventListener('input', () => this.applyFilter());
    this.all.addEventListener('click', () => {
      for (const b of this.boxes()) if (!b.disabled && !this.row(b).hidden) b.checked = true;
    });
    this.none.addEventListener('click', () => {
      for (const b of this.boxes()) if (!this.row(b).hidden) b.checked = false;
    });
    this.apply.addEventListener('click', () => this.choose());
  }

  /** The model's namespaces hidden now. */
  get hiddenNamespaces(): ReadonlySet<string> {
    return this.hidden;
  }

  /** A new model: namespaces hidden that it no longer holds are not hidden any more; the list is rebuilt. */
  set(model: ReachabilityModel): void {
    this.model = model;
    this.hidden = new Set([...this.hidden].filter((n) => model.namespaces.some((x) => x.name === n)));
    this.fill();
  }

  /** Opens the picker (its filter focused). */
  open(): void {
    this.toggle(true);
  }

  private toggle(open: boolean): void {
    this.panel.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    if (open) this.filter.focus();
  }

  private boxes(): HTMLInputElement[] {
    return [...this.list.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
  }

  private row(b: HTMLInputElement): HTMLElement {
    return b.closest('li') as HTMLElement;
  }

  private fill(): void {
    const S = this.host.strings;
    const m = this.model;
    if (!m) return;
    const choices = namespaceChoices(m, this.hidden);
    const shown = choices.filter((c) => c.shown).length;
    this.button.textContent = `${S('Namespaces')} (${shown}/${choices.length})`;
    this.button.title = S('{0} of {1} namespaces shown').replace('{0}', String(shown)).replace('{1}', String(choices.length));
    this.filter.placeholder = S('Filter');
    this.filter.setAttribute('aria-label', S('Filter'));
    this.all.textContent = S('Select all');
    this.none.textContent = S('Select none');
    this.apply.textContent = S('Show the chosen namespaces');
    const why = S('Not in this page (left out past --max-edges): write it with a larger --max-edges');
    this.list.replaceChildren(
      ...choices.map((c) => {
        const unavailable = !c.inModel && this.host.standalone;
        const box = h('input', { type: 'checkbox', value: c.name, ...(c.shown ? { checked: '' } : {}), ...(unavailable ? { disabled: '' } : {}) });
        return h('li', { 'data-namespace': c.name, ...(c.omitted ? { class: 'omitted' } : {}), ...(unavailable ? { title: why } : {}) }, h('label', {}, box, h('span', {}, c.name)));
      }),
    );
    this.applyFilter();
  }

  private applyFilter(): void {
    const needle = this.filter.value.trim().toLowerCase();
    for (const li of this.list.children) (li as HTMLElement).hidden = !!needle && !((li as HTMLElement).dataset.namespace ?? '').toLowerCase().includes(needle);
  }

  private choose(): void {
    if (!this.model) return;
    const chosen = new Set(this.boxes().filter((b) => b.checked).map((b) => b.value));
    const { ask, hidden } = applyNamespaceChoice(this.model, chosen);
    this.toggle(false);
    if (ask && !this.host.standalone) {
      // The new model holds the chosen namespaces only: nothing to hide in it.
      this.hidden = new Set();
      this.host.ask(ask);
      return;
    }
    this.hidden = hidden;
    this.fill();
    this.host.hide(hidden);
  }
}
