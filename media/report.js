// Egress Lens report page. Draws the model posted by the extension: cards, SVG bar charts,
// a timeline and sortable tables. No libraries, no remote content; every link posts back.
// @ts-check
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  const kind = document.body.dataset.kind;
  const SVG = 'http://www.w3.org/2000/svg';
  /** @type {Record<string, {key: string, dir: number}>} */
  const sortState = (vscode.getState() && vscode.getState().sort) || {};

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c);
    return e;
  }
  function link(text, target) {
    if (!target) return document.createTextNode(text);
    return el('a', { href: '#', class: 'link', title: 'Show the flows behind this number', onclick: (ev) => { ev.preventDefault(); vscode.postMessage({ type: 'link', link: target }); } }, text);
  }

  function cards(model) {
    if (!model.cards.length) return null;
    return el('section', { class: 'cards' }, ...model.cards.map((c) => el('div', { class: 'card' }, el('div', { class: 'card-value' }, link(c.value, c.link)), el('div', { class: 'card-label' }, c.label))));
  }

  function barChart(chart) {
    const bars = chart.bars.filter((b) => b.value > 0);
    const box = el('section', { class: 'chart', id: 'chart-' + chart.id }, el('h2', {}, chart.title));
    if (!bars.length) { box.append(el('p', { class: 'muted' }, 'Nothing to chart.')); return box; }
    const max = Math.max(...bars.map((b) => b.value));
    const rowH = 22, labelW = LABEL_W, valueW = 110, width = 660;
    const barW = width - labelW - valueW;
    const s = svg('svg', { viewBox: `0 0 ${width} ${bars.length * rowH + 4}`, width: '100%', role: 'img', 'aria-label': chart.title });
    bars.forEach((b, i) => {
      const y = i * rowH + 2;
      const w = Math.max(1, (b.value / max) * barW);
      const g = svg('g', { class: b.link ? 'bar-row clickable' : 'bar-row' });
      const label = svg('text', { x: labelW - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'bar-label', 'data-full': b.label });
      label.textContent = b.label;
      const title = svg('title'); title.textContent = `${b.label}: ${b.display}`;
      const rect = svg('rect', { x: labelW, y: y + 3, width: w, height: rowH - 6, rx: 2, class: `bar bar-${i % 6}` });
      const value = svg('text', { x: labelW + w + 6, y: y + rowH / 2 + 4, class: 'bar-value' });
      value.textContent = b.display;
      g.append(title, label, rect, value);
      if (b.link) g.addEventListener('click', () => vscode.postMessage({ type: 'link', link: b.link }));
      s.append(g);
    });
    box.append(s);
    return box;
  }

  const LABEL_W = 240;
  /** Room for a bar label (right-aligned at LABEL_W - 8, in the chart's own units). */
  const LABEL_ROOM = LABEL_W - 12;

  /**
   * Shortens a label that does not fit its room, measured once the chart is in the page: the name
   * is cut with "…" and a trailing "(sg-…)" / "(eni-…)" id is kept whole, so two groups never
   * read alike. The full label stays in the row's tooltip.
   */
  function shorten(full, n) {
    const m = / \([^()]+\)$/.exec(full);
    const tail = m ? m[0] : '';
    const head = m ? full.slice(0, m.index) : full;
    if (n >= head.length) return full;
    return head.slice(0, Math.max(1, n)) + '…' + tail;
  }
  function fitLabels(scope) {
    for (const t of scope.querySelectorAll('text.bar-label[data-full]')) {
      const full = t.getAttribute('data-full') || '';
      t.textContent = full;
      if (typeof t.getComputedTextLength !== 'function' || t.getComputedTextLength() <= LABEL_ROOM) continue;
      const m = / \([^()]+\)$/.exec(full);
      let lo = 0, hi = (m ? m.index : full.length) - 1;
      // The longest name prefix that fits (binary search over its length).
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        t.textContent = shorten(full, mid);
        if (t.getComputedTextLength() <= LABEL_ROOM) lo = mid; else hi = mid - 1;
      }
      t.textContent = shorten(full, lo);
      // Even the id alone is too long: cut from the end.
      if (t.getComputedTextLength() > LABEL_ROOM) {
        let n = full.length;
        while (n > 4 && t.getComputedTextLength() > LABEL_ROOM) t.textContent = full.slice(0, --n) + '…';
      }
    }
  }

  function timeline(chart) {
    const box = el('section', { class: 'chart', id: 'chart-' + chart.id }, el('h2', {}, chart.title));
    const bars = chart.bars;
    if (!bars.length) { box.append(el('p', { class: 'muted' }, 'Nothing to chart.')); return box; }
    const width = 640, height = 160, pad = 24;
    const max = Math.max(...bars.map((b) => b.value), 1e-9);
    const bw = (width - pad) / bars.length;
    const s = svg('svg', { viewBox: `0 0 ${width} ${height + 20}`, width: '100%', role: 'img', 'aria-label': chart.title });
    s.append(svg('line', { x1: pad, y1: height, x2: width, y2: height, class: 'axis' }));
    bars.forEach((b, i) => {
      const h = (b.value / max) * (height - 10);
      const g = svg('g', { class: b.link ? 'clickable' : '' });
      const title = svg('title'); title.textContent = `${b.label}: ${b.display}`;
      g.append(title, svg('rect', { x: pad + i * bw + 1, y: height - h, width: Math.max(1, bw - 2), height: Math.max(0, h), class: 'bar bar-0' }));
      if (b.link) g.addEventListener('click', () => vscode.postMessage({ type: 'link', link: b.link }));
      s.append(g);
    });
    const first = svg('text', { x: pad, y: height + 14, class: 'bar-label' }); first.textContent = bars[0].label;
    const last = svg('text', { x: width, y: height + 14, 'text-anchor': 'end', class: 'bar-label' }); last.textContent = bars[bars.length - 1].label;
    s.append(first, last);
    box.append(s);
    return box;
  }

  function table(t) {
    const box = el('section', { class: 'table', id: 'table-' + t.id }, el('h2', {}, t.title));
    if (!t.rows.length) { box.append(el('p', { class: 'muted' }, t.empty)); return box; }
    const st = sortState[t.id];
    const rows = [...t.rows];
    if (st) {
      rows.sort((a, b) => {
        const x = a[st.key] ? a[st.key].value : '', y = b[st.key] ? b[st.key].value : '';
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return c * st.dir;
      });
    }
    const head = el('tr', {}, ...t.columns.map((c) => {
      const mark = st && st.key === c.key ? (st.dir > 0 ? ' ▲' : ' ▼') : '';
      const sortBy = () => {
        const cur = sortState[t.id];
        sortState[t.id] = { key: c.key, dir: cur && cur.key === c.key ? -cur.dir : (c.numeric ? -1 : 1) };
        vscode.setState({ ...(vscode.getState() || {}), sort: sortState });
        render(current);
        const again = document.querySelector(`#table-${t.id} th[data-key="${c.key}"]`);
        if (again) again.focus();
      };
      return el('th', { class: c.numeric ? 'num sortable' : 'sortable', tabindex: '0', 'data-key': c.key, 'aria-sort': st && st.key === c.key ? (st.dir > 0 ? 'ascending' : 'descending') : 'none', onclick: sortBy,
        onkeydown: (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); sortBy(); } } }, c.label + mark);
    }));
    const body = rows.map((r) => el('tr', {}, ...t.columns.map((c) => {
      const cell = r[c.key];
      return el('td', { class: c.numeric ? 'num' : '' }, cell ? link(cell.display, cell.link) : '');
    })));
    box.append(el('table', {}, el('thead', {}, head), el('tbody', {}, ...body)));
    return box;
  }

  let current = (vscode.getState() && vscode.getState().model) || null;

  function render(model) {
    if (!model) return;
    root.replaceChildren(
      el('header', {}, el('h1', {}, model.title), el('p', { class: 'muted' }, model.subtitle)),
      ...[cards(model)].filter(Boolean),
      el('div', { class: 'charts' }, ...model.charts.map((c) => (c.kind === 'timeline' ? timeline(c) : barChart(c)))),
      ...model.tables.map(table),
      ...model.notes.map((n) => el('p', { class: 'note' }, n)),
    );
    fitLabels(root);
  }

  function focus(text) {
    let first = null;
    for (const tr of document.querySelectorAll('tbody tr')) {
      const hit = tr.textContent.includes(text);
      tr.classList.toggle('focused', hit);
      if (hit && !first) first = tr;
    }
    if (first) first.scrollIntoView({ block: 'center' });
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (m && m.type === 'focus') focus(m.text);
    if (m && m.type === 'model') {
      current = m.model;
      vscode.setState({ ...(vscode.getState() || {}), kind, model: current });
      render(current);
    }
  });
  render(current);
  vscode.postMessage({ type: 'ready' });
})();
