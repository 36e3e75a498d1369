// PLACEHOLDER: replaced by the real view before this lands.
import { el, type ViewContext } from './context.js';

export function mountDiff(root: HTMLElement, contexts: ViewContext[]): void {
  root.appendChild(el('p', undefined, `diff of ${contexts.length} runs`));
}
