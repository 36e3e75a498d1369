// PLACEHOLDER: replaced by the real view before this lands.
import { el, type ViewContext } from './context.js';

export function mountHistory(root: HTMLElement, ctx: ViewContext): void {
  root.appendChild(el('p', undefined, 'history-view: ' + ctx.model.rows.length + ' rows'));
}
