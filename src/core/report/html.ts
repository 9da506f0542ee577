/**
 * A self-contained HTML page for one or more ReportModels (the CLI's `report --format html`).
 * No remote content, no framework: inline CSS that follows the reader's light/dark preference,
 * bar charts as inline SVG, tables sortable by a few lines of inline script.
 */
import type { ReportChart, ReportModel, ReportTable } from '../analysis/editor-report';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function chartSvg(c: ReportChart): string {
  const bars = c.bars.filter((b) => b.value > 0);
  if (!bars.length) return '';
  const max = Math.max(...bars.map((b) => b.value));
  const rowH = 22;
  const labelW = 220;
  const barW = 360;
  const h = bars.length * rowH + 4;
  const rows = bars
    .map((b, i) => {
      const w = Math.max(1, Math.round((b.value / max) * barW));
      const y = i * rowH + 2;
      return (
        `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2"></rect>` +
        `<text x="${labelW + w + 6}" y="${y + 15}">${esc(b.display)}</text>`
      );
    })
    .join('');
  return `<figure><figcaption>${esc(c.title)}</figcaption><svg role="img" aria-label="${esc(c.title)}" width="${labelW + barW + 120}" height="${h}" viewBox="0 0 ${labelW + barW + 120} ${h}">${rows}</svg></figure>`;
}

function tableHtml(t: ReportTable): string {
  if (!t.rows.length) return `<h3>${esc(t.title)}</h3><p class="empty">${esc(t.empty)}</p>`;
  const head = t.columns.map((c, i) => `<th data-col="${i}"${c.numeric ? ' class="num"' : ''}>${esc(c.label)}</th>`).join('');
  const body = t.rows
    .map(
      (r) =>
        '<tr>' +
        t.columns
          .map((c) => {
            const cell = r[c.key];
            const v = cell ? String(cell.value) : '';
            return `<td data-v="${esc(v)}"${c.numeric ? ' class="num"' : ''}>${esc(cell?.display ?? '')}</td>`;
          })
          .join('') +
        '</tr>',
    )
    .join('');
  return `<h3>${esc(t.title)}</h3><table class="sortable"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function section(r: ReportModel): string {
  const cards = r.cards.map((c) => `<div class="card"><div class="v">${esc(c.value)}</div><div class="l">${esc(c.label)}</div></div>`).join('');
  return [
    `<section><h2>${esc(r.title)}</h2><p class="sub">${esc(r.subtitle)}</p>`,
    cards ? `<div class="cards">${cards}</div>` : '',
    r.charts.map(chartSvg).join(''),
    r.tables.map(tableHtml).join(''),
    r.notes.map((n) => `<p class="note">${esc(n)}</p>`).join(''),
    '</section>',
  ].join('\n');
}

const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--bar:#e8870e;--card:#f6f8fa}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--bar:#f0a33a;--card:#151b23}}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--fg);background:var(--bg);margin:2rem auto;max-width:1200px;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid var(--line);padding-bottom:.3rem;margin-top:2.5rem}
.sub,.note,.empty,figcaption{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card .v{font-size:1.3rem;font-weight:600}.card .l{color:var(--muted);font-size:.85rem}
svg text{fill:var(--fg);font-size:12px}svg rect{fill:var(--bar)}figure{margin:1rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{cursor:pointer;user-select:none;white-space:nowrap}th.num,td.num{text-align:right}th[aria-sort]::after{content:" ↕";color:var(--muted)}
`;

// Sorts a table by the clicked column, numeric when both values are numbers.
const SCRIPT = `document.querySelectorAll('table.sortable th').forEach(function(th){th.setAttribute('aria-sort','none');th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],i=+th.dataset.col,asc=th.getAttribute('aria-sort')!=='ascending';t.querySelectorAll('th').forEach(function(h){h.setAttribute('aria-sort','none')});th.setAttribute('aria-sort',asc?'ascending':'descending');Array.from(b.rows).sort(function(x,y){var a=x.cells[i].dataset.v,c=y.cells[i].dataset.v,na=parseFloat(a),nc=parseFloat(c);var d=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return asc?d:-d}).forEach(function(r){b.appendChild(r)})})});`;

export function reportsToHtml(title: string, intro: string[], reports: ReportModel[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    ...intro.map((p) => `<p class="sub">${esc(p)}</p>`),
    ...reports.map(section),
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
