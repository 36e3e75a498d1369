// PLACEHOLDER: replaced by the real view before this lands.
import { el, type ViewContext } from './context.js';

export function mountSummary(root: HTMLElement, ctx: ViewContext): void {
  root.appendChild(el('p', undefined, 'summary: ' + ctx.model.rows.length + ' rows'));
}
