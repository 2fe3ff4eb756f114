// unspin corpus dashboard, part two: the copies, comparison and search views
// (corpus.js holds the helpers, the other views and the routing; both follow
// its safety rule: corpus content is inserted as text only, never as markup).
'use strict';

(function () {
  const D = window.UnspinDash;
  const {
    VIEWS, ui, PER_PAGE, el, add, str, num, arr, fmtInt, plural, href, link, api, qs, section,
    field, pager, swatch, colorOf, nameOf, go, snippet, articleLink,
  } = D;

  function clusterList(clusters) {
    const list = el('ol', 'cluster-list');
    for (const c of clusters) {
      const li = el('li', 'cluster');
      li.dataset.cluster = c.cluster;
      const members = arr(c.members);
      const origin = members.find((x) => x.role === 'origin') || members[0];
      li.appendChild(el('p', 'cluster-head', `Cluster ${c.cluster} · ${members.length} articles`));
      const ul = el('ul', 'members');
      for (const mbr of members) {
        const row = el('li', `member role-${str(mbr.role)}`);
        add(row, el('span', 'role', mbr.role === 'origin' ? 'Origin' : 'Copy'), ' ',
          link(str(mbr.title) || `Article ${mbr.id}`, href('article', { id: mbr.id })),
          ` · ${str(mbr.outlet) || '(no outlet)'}${mbr.published ? ' · ' + mbr.published : ''}`);
        if (mbr.role !== 'origin' && origin) {
          add(row, ` · ${num(mbr.similarity) === null ? '' : Math.round(mbr.similarity * 100) + ' % similar · '}`,
            link('Compare side by side', href('compare', { origin: origin.id, copy: mbr.id }), 'compare-link'));
        }
        ul.appendChild(row);
      }
      li.appendChild(ul);
      list.appendChild(li);
    }
    if (!clusters.length) list.appendChild(el('li', 'empty', 'No copies found.'));
    return list;
  }

  VIEWS.copies = async function (p, out) {
    const page = Number(p.get('page')) || 1;
    const min = p.get('min_similarity') || '';
    const data = await api(`/api/corpus/copies${qs({ page, per_page: PER_PAGE, min_similarity: min })}`);
    out.appendChild(el('h2', '', 'Copies'));
    const controls = el('form', 'controls');
    const sel = el('select');
    sel.id = 'copies-min';
    for (const [v, l] of [['', 'any'], ['0.5', '50 %'], ['0.8', '80 %'], ['0.9', '90 %']]) {
      const o = el('option', '', l);
      o.value = v;
      sel.appendChild(o);
    }
    sel.value = min;
    sel.addEventListener('change', () => go(href('copies', { min_similarity: sel.value })));
    controls.appendChild(field('Similarity at least', sel));
    out.appendChild(controls);
    const card = section('', 'copies-card');
    card.appendChild(el('p', 'note', 'Clusters of articles that re-publish the same text: the origin (earliest, or named as the original source) and its copies.'));
    card.appendChild(clusterList(arr(data.items)));
    card.appendChild(pager('copies', { min_similarity: min }, data));
    out.appendChild(card);
  };

  /** Word diff of two paragraphs (longest common subsequence): [origin pieces, copy pieces]. */
  function wordDiff(a, b) {
    const x = str(a).split(/(\s+)/);
    const y = str(b).split(/(\s+)/);
    if (x.length * y.length > 400000) return [[{ text: a, changed: false }], [{ text: b, changed: false }]];
    const L = Array.from({ length: x.length + 1 }, () => new Uint16Array(y.length + 1));
    for (let i = x.length - 1; i >= 0; i -= 1) for (let j = y.length - 1; j >= 0; j -= 1) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    const left = [];
    const right = [];
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) { left.push({ text: x[i], changed: false }); right.push({ text: y[j], changed: false }); i += 1; j += 1; } else if (j < y.length && (i >= x.length || L[i][j + 1] >= L[i + 1][j])) { right.push({ text: y[j], changed: true }); j += 1; } else { left.push({ text: x[i], changed: true }); i += 1; }
    }
    return [left, right];
  }

  function pieces(list, tag) {
    const p = el('div', 'cmp-text');
    for (const piece of list) p.appendChild(piece.changed && piece.text.trim() ? el(tag, '', piece.text) : document.createTextNode(piece.text));
    return p;
  }

  VIEWS.compare = async function (p, out) {
    const d = await api(`/api/corpus/compare${qs({ origin: p.get('origin'), copy: p.get('copy') })}`);
    out.appendChild(el('p', 'crumbs')).appendChild(link('← All copies', href('copies')));
    out.appendChild(el('h2', '', 'Side by side'));
    out.appendChild(el('p', 'cmp-summary', `${str(d.summary) || str(d.relation)} · similarity ${Math.round((num(d.similarity) || 0) * 100)} % · longest shared passage ${fmtInt(d.longest_passage_words)} words`));
    const sides = el('div', 'cmp-sides');
    for (const [role, s] of [['Origin', d.origin], ['Copy', d.copy]]) {
      const card = section('', 'cmp-side');
      card.appendChild(el('p', 'role', role));
      card.appendChild(link(str(s.title) || `Article ${s.id}`, href('article', { id: s.id }), 'cmp-title'));
      card.appendChild(el('p', 'doc-meta', `${str(s.outlet) || '(no outlet)'} · ${str(s.published) || 'undated'} · ${fmtInt(s.words)} words`));
      sides.appendChild(card);
    }
    out.appendChild(sides);
    const ch = d.changes || {};
    const tech = section('Techniques added and dropped by the copy', 'cmp-techniques');
    for (const [title, list] of [['Added', ch.techniques_added], ['Dropped', ch.techniques_dropped]]) {
      const ul = el('ul', `tech-changes ${title.toLowerCase()}`);
      for (const t of arr(list)) {
        const li = el('li');
        add(li, el('strong', '', `${title}: `), swatch(colorOf(t.technique)), `${nameOf(t.technique)} — `, el('q', '', str(t.text)));
        ul.appendChild(li);
      }
      if (!arr(list).length) ul.appendChild(el('li', 'empty', `${title}: none.`));
      tech.appendChild(ul);
    }
    out.appendChild(tech);
    const rows = section('Aligned paragraphs', 'cmp-rows-card');
    const grid = el('div', 'cmp-rows');
    for (const r of arr(d.rows)) {
      const row = el('div', `cmp-row status-${str(r.status)}`);
      row.dataset.status = str(r.status);
      let left = [{ text: str(r.origin), changed: r.status === 'removed' }];
      let right = [{ text: str(r.copy), changed: r.status === 'added' }];
      if (r.status === 'edited') [left, right] = wordDiff(r.origin, r.copy);
      const label = r.status === 'edited' && num(r.similarity) !== null ? `edited · ${Math.round(r.similarity * 100)} %` : str(r.status);
      row.appendChild(el('span', 'cmp-status', label));
      row.appendChild(r.origin === null || r.origin === undefined ? el('div', 'cmp-text cmp-none', '—') : pieces(left, 'del'));
      row.appendChild(r.copy === null || r.copy === undefined ? el('div', 'cmp-text cmp-none', '—') : pieces(right, 'ins'));
      grid.appendChild(row);
    }
    rows.appendChild(grid);
    out.appendChild(rows);
  };

  VIEWS.search = async function (p, out) {
    const q = p.get('q') || '';
    const where = p.get('in') || 'articles';
    const page = Number(p.get('page')) || 1;
    ui.searchQ.value = q;
    ui.searchIn.value = where;
    out.appendChild(el('h2', '', q ? `Search: ${q}` : 'Search'));
    if (!q) { out.appendChild(el('p', 'empty', 'Type a query in the search box above.')); return; }
    const data = await api(`/api/corpus/search${qs({ q, in: where, page, per_page: PER_PAGE })}`);
    const card = section('', 'search-card');
    card.appendChild(el('p', 'count-line', `${fmtInt(data.total)} ${where === 'articles' ? 'articles' : where === 'spans' ? 'passages' : 'quotes'}`));
    const list = el('ol', 'search-list');
    list.start = (page - 1) * PER_PAGE + 1;
    for (const hit of arr(data.items)) {
      const li = el('li', 'search-hit');
      const head = el('p', 'span-head');
      if (hit.technique) add(head, swatch(colorOf(hit.technique)), el('span', 'technique-name', nameOf(hit.technique)), ' · ');
      if (hit.speaker) add(head, el('span', 'speaker', str(hit.speaker)), ' · ');
      add(head, articleLink(hit, str(hit.title) || `Article ${hit.article_id} (untitled)`));
      li.appendChild(head);
      li.appendChild(snippet(hit.snippet));
      li.appendChild(el('p', 'span-meta', `${str(hit.outlet) || '(no outlet)'} · ${str(hit.published) || 'undated'}`));
      list.appendChild(li);
    }
    if (!arr(data.items).length) list.appendChild(el('li', 'empty', 'Nothing found.'));
    card.appendChild(list);
    card.appendChild(pager('search', { q, in: where }, data));
    out.appendChild(card);
  };

  D.clusterList = clusterList;
})();
