/**
 * Handsontable's `sanitizer` option. Nothing that came from a cell, a file or the clipboard may
 * become markup: pasted HTML is reduced to a bare table of text, and any other string Handsontable
 * would write as HTML (headers, dropdown items) is escaped so it shows as typed.
 */

const PASTE_CONTEXTS = new Set(['CopyPaste.paste', 'CopyPaste.paste.sourceData']);

export function sanitizeGridHtml(html: string, context?: string): string {
  if (context !== undefined && PASTE_CONTEXTS.has(context)) return pastedTableAsText(html);
  return escapeHtml(html);
}

/**
 * Keep only the grid of a pasted table: one `<td>` of escaped text per cell. DOMParser builds an
 * inert document (no scripts run, nothing loads), so reading it is safe. Without a table we return
 * nothing, which makes Handsontable fall back to the clipboard's plain text.
 */
function pastedTableAsText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const rows = [...doc.querySelectorAll('tr')].filter((tr) => tr.closest('thead') === null);
  if (rows.length === 0) return '';
  const body = rows
    .map((tr) => {
      const cells = [...tr.querySelectorAll('td, th')].map((cell) => `<td>${escapeHtml(cell.textContent ?? '')}</td>`);
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table><tbody>${body}</tbody></table>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}
