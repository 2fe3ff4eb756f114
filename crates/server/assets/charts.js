// unspin dashboard charts: small SVG charts drawn by hand, no library.
//
//   UnspinCharts.line(container, spec)  line chart, confidence bands, hover values
//   UnspinCharts.bars(container, spec)  horizontal bars with error bars and a reference mark
//   UnspinCharts.table(head, rows)      a plain <table> (the text alternative of a chart)
//
// Every label is inserted as text (textContent), never as markup. Each chart
// is followed by a <details> table with the same numbers, and each chart
// sizes itself to its container's width when drawn (the caller redraws on
// resize), so it stays readable on a phone.
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';
  /** Line dash patterns, cycled with the colours, so lines differ without colour too. */
  const DASHES = ['', '7 4', '2 3', '10 3 2 3', '4 2 1 2'];

  function svg(tag, attrs, parent) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== undefined && v !== null) node.setAttribute(k, String(v));
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function svgText(text, attrs, parent) {
    const node = svg('text', attrs, parent);
    node.textContent = String(text);
    return node;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const finite = (v) => typeof v === 'number' && Number.isFinite(v);

  /** A darker shade of a #rrggbb colour (technique colours are pale highlight colours: lines need ink). */
  function darken(color, amount) {
    if (!/^#[0-9a-fA-F]{6}$/.test(color || '')) return color;
    const k = 1 - (amount === undefined ? 0.4 : amount);
    const part = (i) => Math.round(parseInt(color.slice(i, i + 2), 16) * k).toString(16).padStart(2, '0');
    return `#${part(1)}${part(3)}${part(5)}`;
  }

  /** A number for an axis or a tooltip: at most 3 significant digits past the point. */
  function fmt(v, digits) {
    if (!finite(v)) return '–';
    const d = digits !== undefined ? digits : (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
    return v.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  /** Round tick values covering [0, max]. */
  function ticks(max, count) {
    if (!(max > 0)) return { top: 1, values: [0, 1], digits: 0 };
    const raw = max / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const top = Math.ceil(max / step - 1e-9) * step;
    const values = [];
    for (let v = 0; v <= top + step / 2; v += step) values.push(Number(v.toPrecision(12)));
    const digits = Number.isInteger(step) ? 0 : Number.isInteger(step * 10) ? 1 : 2;
    return { top, values, digits };
  }

  /** Cuts a label to `max` characters (code points) with an ellipsis. */
  function cut(text, max) {
    const chars = Array.from(String(text));
    return chars.length > max ? chars.slice(0, Math.max(1, max - 1)).join('') + '…' : chars.join('');
  }

  /** A table; cells are strings, numbers or nodes. */
  function table(head, rows, caption) {
    const t = el('table', 'data-table');
    if (caption) t.appendChild(el('caption', 'visually-hidden', caption));
    const thead = el('thead');
    const tr = el('tr');
    for (const h of head) {
      const th = el('th', typeof h === 'object' && h && h.num ? 'num' : '', typeof h === 'object' && h ? h.text : h);
      th.scope = 'col';
      tr.appendChild(th);
    }
    thead.appendChild(tr);
    t.appendChild(thead);
    const tbody = el('tbody');
    for (const row of rows) {
      const r = el('tr');
      row.forEach((cell, i) => {
        const h = head[i];
        const td = el('td', typeof h === 'object' && h && h.num ? 'num' : '');
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell === null || cell === undefined ? '' : String(cell);
        r.appendChild(td);
      });
      tbody.appendChild(r);
    }
    t.appendChild(tbody);
    return t;
  }

  /** The <details> text alternative below a chart. */
  function alternative(head, rows, caption) {
    const details = el('details', 'chart-table');
    details.appendChild(el('summary', '', 'Show the numbers as a table'));
    const wrap = el('div', 'table-wrap');
    wrap.appendChild(table(head, rows, caption));
    details.appendChild(wrap);
    return details;
  }

  function widthOf(container) {
    return Math.max(260, Math.floor(container.clientWidth || 600));
  }

  /** A legend item's little line sample. */
  function lineSample(color, dash) {
    const s = svg('svg', { width: 26, height: 10, 'aria-hidden': 'true', class: 'line-sample' });
    svg('line', { x1: 1, y1: 5, x2: 25, y2: 5, stroke: color, 'stroke-width': 3, 'stroke-dasharray': dash || null }, s);
    return s;
  }

  /**
   * Line chart. spec = {
   *   xs: ['2019-01', …]                       the x values, in order
   *   series: [{name, color, pale?, dash?, points: [{x, value, low?, high?}]}]
   *     (pale: a highlight colour, drawn darker for the line and lighter for the band)
   *   unit: 'spans per 1,000 words', bands: true, title: 'chart title'
   * }
   * Draws one <g class="series"> per series, one <circle class="point"> per
   * point with a value, a band (<path class="band">) where low/high exist.
   */
  function line(container, spec) {
    while (container.firstChild) container.removeChild(container.firstChild);
    const figure = el('figure', 'chart-figure');
    container.appendChild(figure);
    const xs = spec.xs || [];
    const series = (spec.series || []).map((s, i) => ({
      ...s, dash: s.dash !== undefined ? s.dash : DASHES[i % DASHES.length],
      ink: s.ink || (s.pale ? darken(s.color) : s.color),
      byX: new Map((s.points || []).map((p) => [p.x, p])),
    }));
    if (xs.length === 0 || series.length === 0) {
      figure.appendChild(el('p', 'empty', 'No data for these filters.'));
      return figure;
    }
    const W = widthOf(container);
    const narrow = W < 520;
    const H = narrow ? 230 : 290;
    const m = { l: narrow ? 40 : 52, r: 24, t: 12, b: 40 };
    const pw = W - m.l - m.r;
    const ph = H - m.t - m.b;
    let max = 0;
    for (const s of series) {
      for (const p of s.points || []) {
        for (const v of [p.value, spec.bands ? p.high : null]) if (finite(v)) max = Math.max(max, v);
      }
    }
    const { top, values, digits } = ticks(max, narrow ? 4 : 5);
    const x = (i) => m.l + (xs.length === 1 ? pw / 2 : (i * pw) / (xs.length - 1));
    const y = (v) => m.t + ph - (v / top) * ph;
    const root = svg('svg', {
      class: 'chart line-chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': `${spec.title || 'Line chart'}: ${series.length} series over ${xs.length} periods, in ${spec.unit || ''}. The table below has the numbers.`,
    }, figure);
    const axis = svg('g', { class: 'axis' }, root);
    for (const v of values) {
      svg('line', { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), class: 'grid' }, axis);
      svgText(fmt(v, digits), { x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, axis);
    }
    const every = Math.max(1, Math.ceil((xs.length * 52) / pw));
    xs.forEach((label, i) => {
      if (i % every !== 0 && i !== xs.length - 1) return;
      const anchor = x(i) + 28 > W ? 'end' : x(i) - 28 < 0 ? 'start' : 'middle';
      svgText(label, { x: x(i), y: H - m.b + 16, 'text-anchor': anchor, class: 'tick' }, axis);
    });
    svgText(spec.unit || '', { x: m.l, y: H - 6, class: 'unit' }, axis);

    series.forEach((s, si) => {
      const g = svg('g', { class: 'series', 'data-series': si, 'data-name': s.name }, root);
      // Runs of consecutive periods with a value: a gap where there is none.
      const runs = [];
      let run = [];
      xs.forEach((xv, i) => {
        const p = s.byX.get(xv);
        if (p && finite(p.value)) run.push({ i, p }); else if (run.length) { runs.push(run); run = []; }
      });
      if (run.length) runs.push(run);
      if (spec.bands) {
        for (const r of runs) {
          const pts = r.filter(({ p }) => finite(p.low) && finite(p.high));
          if (pts.length === 0) continue;
          let d;
          if (pts.length === 1) {
            const { i, p } = pts[0];
            d = `M${x(i) - 4},${y(p.high)}H${x(i) + 4}V${y(p.low)}H${x(i) - 4}Z`;
          } else {
            d = 'M' + pts.map(({ i, p }) => `${x(i)},${y(p.high)}`).join('L')
              + 'L' + pts.slice().reverse().map(({ i, p }) => `${x(i)},${y(p.low)}`).join('L') + 'Z';
          }
          svg('path', { d, class: 'band', fill: s.color, 'fill-opacity': s.pale ? 0.3 : 0.16 }, g);
        }
      }
      for (const r of runs) {
        if (r.length > 1) {
          svg('path', {
            d: 'M' + r.map(({ i, p }) => `${x(i)},${y(p.value)}`).join('L'),
            class: 'line', stroke: s.ink, 'stroke-dasharray': s.dash || null, fill: 'none',
          }, g);
        }
        for (const { i, p } of r) {
          svg('circle', { cx: x(i), cy: y(p.value), r: 3.2, class: 'point', fill: s.ink, 'data-x': xs[i], 'data-value': p.value }, g);
        }
      }
    });

    // Hover (and keyboard): a guide at the nearest period and a tooltip.
    const guide = svg('line', { class: 'guide', y1: m.t, y2: m.t + ph, x1: -10, x2: -10 }, root);
    const overlay = svg('rect', {
      x: m.l - 8, y: m.t, width: pw + 16, height: ph, class: 'overlay', fill: 'transparent', tabindex: 0,
      'aria-label': 'Move along the chart with the arrow keys to read the values',
    }, root);
    const tip = el('div', 'chart-tip');
    tip.hidden = true;
    tip.setAttribute('role', 'status');
    figure.appendChild(tip);
    let current = -1;
    const show = (i) => {
      current = Math.max(0, Math.min(xs.length - 1, i));
      const gx = x(current);
      guide.setAttribute('x1', gx);
      guide.setAttribute('x2', gx);
      while (tip.firstChild) tip.removeChild(tip.firstChild);
      tip.appendChild(el('strong', '', xs[current]));
      for (const s of series) {
        const p = s.byX.get(xs[current]);
        const row = el('div', 'tip-row');
        row.appendChild(lineSample(s.ink, s.dash));
        row.appendChild(el('span', 'tip-name', s.name));
        let text = p && finite(p.value) ? fmt(p.value) : 'no data';
        if (p && finite(p.low) && finite(p.high) && spec.bands) text += ` (${fmt(p.low)}–${fmt(p.high)})`;
        if (p && spec.detail) text += spec.detail(p);
        row.appendChild(el('span', 'tip-value', text));
        tip.appendChild(row);
      }
      tip.hidden = false;
      const tw = tip.offsetWidth;
      const left = gx + 12 + tw > W ? Math.max(0, gx - 12 - tw) : gx + 12;
      tip.style.left = `${left}px`;
      tip.style.top = `${m.t}px`;
    };
    const hide = () => { tip.hidden = true; guide.setAttribute('x1', -10); guide.setAttribute('x2', -10); };
    const nearest = (clientX) => {
      const box = root.getBoundingClientRect();
      const px = ((clientX - box.left) / box.width) * W;
      return xs.length === 1 ? 0 : Math.round(((px - m.l) / pw) * (xs.length - 1));
    };
    overlay.addEventListener('pointermove', (e) => show(nearest(e.clientX)));
    overlay.addEventListener('pointerdown', (e) => show(nearest(e.clientX)));
    overlay.addEventListener('pointerleave', hide);
    overlay.addEventListener('blur', hide);
    overlay.addEventListener('focus', () => show(current < 0 ? xs.length - 1 : current));
    overlay.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') { e.preventDefault(); show(current + 1); }
      if (e.key === 'ArrowLeft') { e.preventDefault(); show(current - 1); }
      if (e.key === 'Escape') hide();
    });

    const legend = el('ul', 'chart-legend');
    for (const s of series) {
      const li = el('li');
      li.appendChild(lineSample(s.ink, s.dash));
      li.appendChild(el('span', '', s.name));
      legend.appendChild(li);
    }
    figure.appendChild(legend);
    // The text alternative: one row per period, one column per series.
    const head = ['Period'].concat(series.map((s) => ({ text: s.name, num: true })));
    const rows = xs.map((xv) => [xv].concat(series.map((s) => {
      const p = s.byX.get(xv);
      if (!p || !finite(p.value)) return '–';
      return spec.bands && finite(p.low) && finite(p.high) ? `${fmt(p.value)} (${fmt(p.low)}–${fmt(p.high)})` : fmt(p.value);
    })));
    figure.appendChild(alternative(head, rows, `${spec.title || ''} (${spec.unit || ''})`));
    return figure;
  }

  /**
   * Horizontal bar chart with error bars. spec = {
   *   rows: [{name, color, value, low?, high?, ref?, href?, title?}]
   *   unit, refName ('corpus average'), title
   *   tableHead, tableRows: the text alternative (default: name, value, interval)
   * }
   * Draws one <g class="bar"> per row (data-value), an error bar where the
   * row has low/high, and a reference tick (<line class="ref">) where it has ref.
   */
  function bars(container, spec) {
    while (container.firstChild) container.removeChild(container.firstChild);
    const figure = el('figure', 'chart-figure');
    container.appendChild(figure);
    const rows = spec.rows || [];
    if (rows.length === 0) {
      figure.appendChild(el('p', 'empty', 'No data for these filters.'));
      return figure;
    }
    const W = widthOf(container);
    const narrow = W < 520;
    const labelW = narrow ? 118 : 200;
    const valueW = narrow ? 40 : 56;
    const rowH = 24;
    const m = { l: labelW, r: valueW, t: 6, b: 30 };
    const H = m.t + m.b + rows.length * rowH;
    const pw = W - m.l - m.r;
    let max = 0;
    for (const r of rows) for (const v of [r.value, r.high, r.ref]) if (finite(v)) max = Math.max(max, v);
    const { top, values, digits } = ticks(max, narrow ? 3 : 5);
    const x = (v) => m.l + (Math.max(0, v) / top) * pw;
    const root = svg('svg', {
      class: 'chart bar-chart', width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img',
      'aria-label': `${spec.title || 'Bar chart'}: ${rows.length} bars, in ${spec.unit || ''}. The table below has the numbers.`,
    }, figure);
    const axis = svg('g', { class: 'axis' }, root);
    for (const v of values) {
      svg('line', { x1: x(v), x2: x(v), y1: m.t, y2: H - m.b, class: 'grid' }, axis);
      svgText(fmt(v, digits), { x: x(v), y: H - m.b + 14, 'text-anchor': 'middle', class: 'tick' }, axis);
    }
    svgText(spec.unit || '', { x: m.l, y: H - 4, class: 'unit' }, axis);
    rows.forEach((r, i) => {
      const yTop = m.t + i * rowH;
      const g = svg('g', { class: 'bar', 'data-value': finite(r.value) ? r.value : '' }, root);
      const title = svg('title', {}, g);
      title.textContent = r.title || `${r.name}: ${fmt(r.value)}`;
      const label = svgText(cut(r.name, narrow ? 16 : 28), { x: m.l - 8, y: yTop + rowH / 2 + 4, 'text-anchor': 'end', class: 'bar-name' });
      if (r.href) {
        const a = svg('a', { href: r.href, class: 'bar-link' }, g);
        a.appendChild(label);
      } else {
        g.appendChild(label);
      }
      if (finite(r.value)) {
        svg('rect', {
          x: m.l, y: yTop + 5, width: Math.max(1, x(r.value) - m.l), height: rowH - 10, rx: 3,
          fill: r.color || '#8aa0c8', class: 'bar-rect',
        }, g);
      }
      if (finite(r.low) && finite(r.high)) {
        const cy = yTop + rowH / 2;
        svg('line', { x1: x(r.low), x2: x(r.high), y1: cy, y2: cy, class: 'err' }, g);
        svg('line', { x1: x(r.low), x2: x(r.low), y1: cy - 5, y2: cy + 5, class: 'err' }, g);
        svg('line', { x1: x(r.high), x2: x(r.high), y1: cy - 5, y2: cy + 5, class: 'err' }, g);
      }
      if (finite(r.ref)) {
        svg('line', { x1: x(r.ref), x2: x(r.ref), y1: yTop + 2, y2: yTop + rowH - 2, class: 'ref' }, g);
      }
      svgText(fmt(r.value), { x: W - 4, y: yTop + rowH / 2 + 4, 'text-anchor': 'end', class: 'bar-value' }, g);
    });
    if (spec.refName && rows.some((r) => finite(r.ref))) {
      const key = el('p', 'chart-key');
      const s = svg('svg', { width: 14, height: 14, 'aria-hidden': 'true' });
      svg('line', { x1: 7, x2: 7, y1: 0, y2: 14, class: 'ref' }, s);
      key.appendChild(s);
      key.appendChild(document.createTextNode(` ${spec.refName}; whiskers: 95 % interval`));
      figure.appendChild(key);
    }
    const head = spec.tableHead || ['', { text: spec.unit || 'value', num: true }, { text: '95 % interval', num: true }];
    const tableRows = spec.tableRows || rows.map((r) => [
      r.name, fmt(r.value), finite(r.low) && finite(r.high) ? `${fmt(r.low)}–${fmt(r.high)}` : '–',
    ]);
    figure.appendChild(alternative(head, tableRows, spec.title));
    return figure;
  }

  /** A small inline error bar (for a table cell): value and interval on a shared scale. */
  function miniBar(value, low, high, max, color) {
    const W = 90;
    const H = 14;
    const s = svg('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'mini-bar', 'aria-hidden': 'true' });
    const x = (v) => 1 + (Math.max(0, Math.min(v, max)) / (max || 1)) * (W - 2);
    svg('rect', { x: 0, y: 0, width: W, height: H, class: 'mini-track' }, s);
    if (finite(value)) svg('rect', { x: 1, y: 3, width: Math.max(1, x(value) - 1), height: H - 6, fill: color || '#8aa0c8' }, s);
    if (finite(low) && finite(high)) {
      svg('line', { x1: x(low), x2: x(high), y1: H / 2, y2: H / 2, class: 'err' }, s);
      svg('line', { x1: x(low), x2: x(low), y1: 2, y2: H - 2, class: 'err' }, s);
      // No cap where the interval runs past the scale: it goes on.
      if (high <= max) svg('line', { x1: x(high), x2: x(high), y1: 2, y2: H - 2, class: 'err' }, s);
    }
    return s;
  }

  window.UnspinCharts = { line, bars, table, miniBar, fmt, DASHES };
})();
