'use strict';
// The station desk: a station clerk's month of work without a command line.
(function () {
  const { t, el, $, api, msg, fail, label, val, time, short, qs, into } = LC;
  const enc = encodeURIComponent;
  const go = (h) => { location.hash = h; };
  const get = (u) => () => api(u);
  let me = {};
  const ref = { cats: [], deputies: [], sps: [], names: {} };
  let lastFilter = {};
  let visitFor = null;
  const back = (href) => el('a', { class: 'back', href: href, text: '← ' + t('back') });
  const h2 = (k) => el('h2', { text: t(k) });
  // A reception's state: one voided after it was held was not cancelled, it is void.
  const recState = (r) => (r.state === 'void' && r.held_on ? 'voided' : r.state);
  const stateBadge = (r) => { const s = recState(r); return el('span', { class: 'badge ' + (r.state === 'void' ? 'off' : 'st-' + s), text: label('state', s) }); };
  const offBadge = () => el('span', { class: 'badge off', text: t('sp.off') });

  // ---- form checks shared by the views ----
  // A field's label, for messages.
  function fieldName(e) { const s = e.closest('.field') && e.closest('.field').querySelector('span'); return s ? s.textContent : e.name; }
  // A number input holding what is not a number reads as blank: say so rather than send nothing.
  function checkNumbers(f) {
    f.querySelectorAll('input[type=number]').forEach((e) => {
      if (e.validity.badInput) { e.focus(); throw new Error(t('err.bad_number', { f: fieldName(e) })); }
    });
  }
  // The fields (keys) of f whose trimmed value differs from start, the values shown at first.
  // An emptied field is sent as "" (it clears the field where the command allows that).
  function changed(f, keys, start) {
    checkNumbers(f);
    const d = {};
    keys.forEach((k) => {
      const x = f.elements[k].value.trim();
      if (x !== start[k]) d[k] = x;
    });
    return d;
  }
  // A form asking for a reason (voiding, cancelling) with a red button; a reason is required.
  function reasonForm(id, reasonKey, submitKey, onReason) {
    const f = LC.form(id, [['reason', 'text', reasonKey, { wide: true }]], submitKey, async (d) => {
      if (!d.reason) { f.elements.reason.focus(); throw new Error(t('err.need_reason')); }
      await onReason(d);
    }, id.replace(/-form$/, '-submit'));
    f.querySelector('button[type=submit]').className = 'danger';
    return f;
  }

  // ---- header: status and sync ----
  async function loadStatus() {
    try { me = await api('/api/status'); } catch (e) { fail(e); return; }
    $('station-id').textContent = val(me.station);
    $('station-role').textContent = label('role', me.role) + (me.spokesperson ? ' ' + (ref.names[me.spokesperson] || short(me.spokesperson)) : '');
    const r = me.last_sync_result;
    $('last-sync').textContent = me.last_sync ? time(me.last_sync) + ' (' + t(r === 'ok' || r === 'cut' ? 'res.' + r : 'res.other') + ')' : t('never');
    LC.fill($('status-notes'),
      me.unacknowledged ? el('span', { class: 'note', text: t('unack', { n: me.unacknowledged }) }) : null,
      me.conflicts_open ? el('a', { class: 'note warn', href: '#conflicts', text: t('conflicts_open', { n: me.conflicts_open }) }) : null,
      me.clock_warning ? el('span', { class: 'note warn', text: t('clock_warning', { n: Math.round(Math.abs(me.clock_skew_ms || 0) / 60000) }) }) : null);
  }
  function syncLine(text, kind) { const s = $('sync-status'); s.textContent = text; s.className = kind || ''; }
  function syncFailed(e) { $('sync-button').disabled = false; syncLine(t('sync.failed') + e, 'err'); msg(t('sync.failed') + e, 'error'); }
  async function startSync() {
    $('sync-button').disabled = true;
    syncLine(t('sync.starting'), 'running');
    try { await api('/api/sync', { body: {} }); } catch (e) { if (e.status !== 409) { syncFailed(e.message); return; } }
    poll();
  }
  async function poll() {
    let s;
    try { s = await api('/api/sync'); } catch (e) { syncFailed(e.message); return; }
    if (s.running) {
      $('sync-button').disabled = true;
      syncLine(t('sync.running', { records: s.records || 0, bytes: LC.bytes(s.bytes) }) + (s.attempt > 1 ? t('sync.attempt', { n: s.attempt }) : ''), 'running');
      setTimeout(poll, 300);
      return;
    }
    $('sync-button').disabled = false;
    if (s.error) syncFailed(s.error);
    else if (s.result) syncLine(t('sync.done', s.result), s.result.conflicts || s.result.refused ? 'warn' : 'ok');
    await loadStatus();
    if (['opinions', 'conflicts', 'receptions', 'spokespersons'].indexOf(viewName()) >= 0) route();
  }

  // ---- reference data: categories, deputies, spokespersons ----
  async function loadRef() {
    const rs = await Promise.allSettled([api('/api/categories'), api('/api/deputies'), api('/api/spokespersons')]);
    rs.forEach((r) => { if (r.status === 'rejected') fail(r.reason); });
    ref.cats = rs[0].value || []; ref.deputies = rs[1].value || []; ref.sps = rs[2].value || [];
    LC.setCategories(ref.cats);
    ref.deputies.concat(ref.sps).forEach((d) => { ref.names[d.id] = d.name; });
    fillSelects(document);
  }
  function depOpts() {
    const live = ref.deputies.filter((d) => !d.void_reason), o = (d) => [d.id, d.name + ' · ' + d.id];
    return [{ group: t('deputies_here'), items: live.filter((d) => d.station === me.station).map(o) },
      { group: t('other_deputies'), items: live.filter((d) => d.station !== me.station).map(o) }];
  }
  const spOpts = () => ref.sps.filter((s) => !s.void_reason).map((s) => [s.id, s.name + (s.area ? ' · ' + s.area : '')]);
  // Selects marked data-ref get their options from the reference data.
  function fillSelects(root) {
    root.querySelectorAll('select[data-ref]').forEach((s) => {
      const k = s.getAttribute('data-ref'), empty = s.getAttribute('data-empty');
      const o = k === 'cat' ? LC.categoryOpts(ref.cats) : k === 'dep' ? depOpts() : k === 'sp' ? spOpts()
        : [{ group: t('f.deputy'), items: depOpts().reduce((a, g) => a.concat(g.items), []) }, { group: t('nav.spokespersons'), items: spOpts() }];
      LC.options(s, o, empty);
    });
  }
  function refSel(f, name, kind, empty) {
    const s = f.elements[name];
    s.setAttribute('data-ref', kind);
    if (empty) s.setAttribute('data-empty', empty);
  }

  // ---- opinions ----
  function buildOpinions() {
    const f = LC.form('opinion-search', [
      ['search', 'search', 'f.search'],
      ['status', 'select', 'f.status', { options: LC.enumOpts('status', LC.STATUSES), empty: 'all' }],
      ['category', 'select', 'f.category', { empty: 'all' }],
      ['overdue', 'checkbox', 'f.overdue'],
      ['overdue_days', 'number', 'f.overdue_days', { min: 0 }],
    ], 'search', (d) => {
      checkNumbers(f);
      if (!d.overdue) delete d.overdue_days;  // the limit alone would list the overdue ones too
      lastFilter = d;
      loadOpinions();
    }, 'opinion-search-submit');
    f.classList.add('inline');
    refSel(f, 'category', 'cat', 'all');
    // a limit asks for the overdue ones: tick the box as it is typed
    const days = f.elements.overdue_days;
    days.placeholder = '30';
    days.addEventListener('input', () => { if (days.value !== '' || days.validity.badInput) f.elements.overdue.checked = true; });
    $('view-opinions').append(h2('nav.opinions'), f, el('div', { id: 'opinion-results' }), importCard());
  }
  // Opinions from a spreadsheet export (`opinion import --csv`): all rows or none; an error
  // names the file and the line.
  function importCard() {
    const input = el('input', { type: 'file', name: 'file', id: 'import-file', accept: '.csv,text/csv' });
    const f = LC.form('import-form', [], 'import', async () => {
      const file = input.files && input.files[0];
      if (!file) throw new Error(t('err.no_file'));
      if (file.size > 32 * 1048576) throw new Error(t('err.too_large'));
      let r;
      try {
        r = await api('/api/opinions/import' + qs({ name: file.name }), { upload: file });
      } catch (e) {
        // 409: this very file was imported before; again only when the clerk confirms it.
        if (e.status !== 409 || !window.confirm(e.message + '\n\n' + t('import.again'))) throw e;
        r = await api('/api/opinions/import' + qs({ name: file.name, again: 1 }), { upload: file });
      }
      input.value = '';
      msg(t('imported', { n: r && r.imported }));
      loadOpinions();
    }, 'import-submit');
    f.classList.add('inline');
    f.prepend(el('label', { class: 'field' }, el('span', { text: t('f.csv_file') }), input));
    return LC.section('h.import', [f, el('p', { class: 'muted small hint', id: 'import-hint', text: t('import.hint') })]);
  }
  function loadOpinions() {
    into($('opinion-results'), null, get('/api/opinions' + qs(lastFilter)), (list) =>
      [el('p', { class: 'muted', id: 'opinion-count', text: t('count', { n: list.length }) }), LC.opinionTable(list, (id) => go('#opinion/' + enc(id)))]);
  }

  function buildNew() {
    const f = LC.form('opinion-form', [
      ['voter', 'text', 'f.voter'], ['phone', 'tel', 'f.phone'],
      ['place', 'text', 'f.place'], ['at', 'datetime-local', 'f.at'],
      ['matter', 'textarea', 'f.matter', { wide: true, rows: 7 }],
      ['category', 'select', 'f.category', { empty: 'choose' }],
      ['source', 'select', 'f.source', { options: LC.enumOpts('source', LC.SOURCES), empty: 'choose' }],
      ['spokesperson', 'select', 'f.spokesperson', { empty: 'optional' }],
    ], 'submit', async (d, form) => {
      const r = await api('/api/opinions', { body: d });
      form.reset();
      msg(t('added', { id: r.id }));
      go('#opinion/' + enc(r.id));
    }, 'opinion-submit');
    refSel(f, 'category', 'cat', 'choose');
    refSel(f, 'spokesperson', 'sp', 'optional');
    f.elements.matter.spellcheck = false;
    $('view-new').append(h2('nav.new'), el('div', { class: 'card' }, f));
  }

  // Attachments of any record (opinion, reception, spokesperson) and a form to upload one.
  function attachmentsCard(recordId, atts, after) {
    const list = LC.attachmentList(atts, 'att.not_here');
    const input = el('input', { type: 'file', name: 'file', id: 'attach-file', accept: 'image/*,application/pdf' });
    const f = LC.form('attach-form', [], 'attach', async () => {
      const file = input.files && input.files[0];
      if (!file) throw new Error(t('err.no_file'));
      if (file.size > 32 * 1048576) throw new Error(t('err.too_large'));
      await api('/api/records/' + enc(recordId) + '/attachments?name=' + enc(file.name), { upload: file });
      msg(t('uploaded', { name: file.name }));
      after();
    }, 'attach-submit');
    f.classList.add('inline');
    f.prepend(el('label', { class: 'field' }, el('span', { text: t('h.attach') }), input));
    return LC.section('op.attachments', [list, f]);
  }

  function showOpinion(id) {
    const reload = () => { if (viewName() === 'opinion') showOpinion(id); };
    into($('opinion-detail'), back('#opinions'), async () => {
      const op = await api('/api/opinions/' + enc(id));
      if (!Array.isArray(op.attachments)) op.attachments = await api('/api/records/' + enc(id) + '/attachments');
      return op;
    }, (op) => {
      const p = LC.opinionParts(op, { names: ref.names });
      const post = (path) => async (d) => {
        await api('/api/opinions/' + enc(id) + '/' + path, { body: d });
        msg(t('saved'));
        reload();
      };
      const step = LC.form('step-form', [
        ['step', 'select', 'f.step', { options: LC.enumOpts('step', LC.STEPS), empty: 'choose' }],
        ['channel', 'select', 'f.channel', { options: LC.enumOpts('channel', LC.CHANNELS), empty: 'choose' }],
        ['to', 'text', 'f.to'], ['by', 'select', 'f.by', { empty: 'optional' }],
        ['note', 'textarea', 'f.note', { wide: true, rows: 2 }],
      ], 'add', post('step'), 'step-submit');
      refSel(step, 'by', 'by', 'optional');
      // the legal channel belongs to "redirected" only
      const stepSel = step.elements.step, chan = step.elements.channel, chanField = chan.closest('.field');
      chanField.hidden = true;
      stepSel.addEventListener('change', () => { chanField.hidden = stepSel.value !== 'redirected'; if (chanField.hidden) chan.value = ''; });
      const amend = LC.form('amend-form', [['text', 'textarea', 'f.text', { wide: true, rows: 3 }]], 'add', post('amend'), 'amend-submit');
      // editable fields: only what changed is sent
      const keys = ['category', 'phone', 'place', 'voter'], start = {};
      const set = LC.form('set-form', [['category', 'select', 'f.category', { empty: 'choose' }], ['phone', 'tel', 'f.phone'],
        ['place', 'text', 'f.place'], ['voter', 'text', 'f.voter']], 'save', async () => {
        const d = changed(set, keys, start);
        if (!Object.keys(d).length) { msg(t('nochange')); return; }
        await post('set')(d);
      }, 'set-submit');
      refSel(set, 'category', 'cat', 'choose');
      const voidF = reasonForm('void-form', 'f.reason', 'do_void', post('void'));
      const forms = el('div', { class: 'cols2' }, LC.section('h.step', step), LC.section('h.amend', amend), LC.section('h.set', set),
        op.status === 'void' ? null : LC.section('h.void', voidF));
      fillSelects(forms);
      const cat = LC.cat(op.category), cs = set.elements.category;
      if (op.category && !Array.prototype.some.call(cs.options, (o) => o.value === cat)) cs.appendChild(el('option', { value: cat, text: cat }));
      cs.value = op.category ? cat : '';
      ['phone', 'place', 'voter'].forEach((k) => { set.elements[k].value = op[k] || ''; });
      keys.forEach((k) => { start[k] = set.elements[k].value.trim(); });
      return [p.head, el('div', { class: 'cols2' }, el('div', null, p.matter, p.amend), el('div', { class: 'card' }, p.info)),
        (op.conflicts || []).length ? LC.section('op.conflicts', LC.conflictTable(op.conflicts, { id: 'opinion-conflicts', replica: me.replica, after: () => { loadStatus(); reload(); } })) : null,
        p.steps, forms, attachmentsCard(id, op.attachments, reload)];
    });
  }

  // ---- receptions ----
  let recFilter;
  const attendees = (form) => { refSel(form, 'deputy', 'dep'); refSel(form, 'spokesperson', 'sp'); };
  function buildReceptions() {
    recFilter = el('select', { name: 'state', id: 'reception-state', onchange: loadReceptions });
    LC.options(recFilter, LC.enumOpts('state', ['planned', 'held']).concat([['void', t('state.void_any')]]), 'all');
    const f = LC.form('reception-form', [
      ['date', 'date', 'f.date'], ['place', 'text', 'f.place'], ['topic', 'text', 'f.topic'], ['voters', 'number', 'f.voters', { min: 0 }],
      ['deputy', 'select', 'f.deputy', { multiple: true }], ['spokesperson', 'select', 'f.spokespersons', { multiple: true }],
      ['note', 'textarea', 'f.note', { wide: true, rows: 2 }], ['planned', 'checkbox', 'f.planned', { wide: true }],
    ], 'add', async (d, form) => {
      const r = await api('/api/receptions', { body: d });
      form.reset(); form.elements.date.value = LC.today();
      msg(t('added', { id: r.id }));
      loadReceptions();
    }, 'reception-submit');
    f.elements.date.value = LC.today();
    attendees(f);
    // a planned day has no attendees yet: they are recorded when it is held
    const planned = f.elements.planned;
    const toggle = () => ['voters', 'deputy', 'spokesperson'].forEach((k) => {
      const e = f.elements[k];
      e.closest('.field').hidden = planned.checked;
      if (planned.checked) { e.value = ''; Array.prototype.forEach.call(e.options || [], (o) => { o.selected = false; }); }
    });
    planned.addEventListener('change', toggle);
    f.addEventListener('reset', () => setTimeout(toggle));
    $('view-receptions').append(h2('nav.receptions'),
      el('div', { class: 'toolbar' }, el('label', { class: 'field' }, el('span', { text: t('f.state') }), recFilter)),
      el('div', { id: 'reception-results' }), LC.section('h.new_reception', f));
  }
  function loadReceptions() {
    const open = (r) => go('#reception/' + enc(r.id));
    into($('reception-results'), null, get('/api/receptions' + qs({ state: recFilter.value })), (list) => LC.table([
      ['f.state', stateBadge, 'nowrap'],
      ['f.planned_on', (r) => val(r.planned_on), 'nowrap'], ['f.held_on', (r) => val(r.held_on), 'nowrap'],
      ['f.place', (r) => val(r.place)],
      ['f.topic', (r) => [val(r.topic), r.state === 'void' && r.void_reason
        ? el('div', { class: 'small warn void-reason', text: t(r.held_on ? 'voided_because' : 'cancelled_because', { reason: r.void_reason }) }) : null]],
      ['f.voters', (r) => val(r.voters_received), 'num'],
      ['f.present', (r) => (r.deputies_present || 0) + ' / ' + (r.spokespersons_present || 0), 'nowrap'],
      ['f.opinions_taken', (r) => val(r.opinions_taken), 'num'],
      ['', (r) => (r.state === 'planned' ? el('button', { type: 'button', class: 'mark-held', 'data-id': r.id, text: t('held'), onclick: () => open(r) }) : null)],
    ], list, { id: 'reception-list', onRow: open, rowClass: (r) => (r.state === 'void' ? 'void' : '') }));
  }
  function showReception(id) {
    const reload = () => { if (viewName() === 'reception') showReception(id); };
    into($('reception-detail'), back('#receptions'), get('/api/receptions/' + enc(id)), (r) => {
      const who = (k) => (r.attendees || []).filter((a) => a.kind === k).map((a) => a.name || a.id).join('、') || '—';
      let held = null;
      if (r.state === 'planned') {
        held = LC.form('held-form', [
          ['date', 'date', 'f.held_on'], ['voters', 'number', 'f.voters', { min: 0 }],
          ['deputy', 'select', 'f.deputy', { multiple: true }], ['spokesperson', 'select', 'f.spokespersons', { multiple: true }],
          ['note', 'textarea', 'f.note', { wide: true, rows: 2 }],
        ], 'held', async (d) => {
          await api('/api/receptions/' + enc(id) + '/held', { body: d });
          msg(t('saved'));
          reload();
        }, 'held-submit');
        held.elements.date.value = LC.today();
        attendees(held);
        fillSelects(held);
      }
      const atts = attachmentsCard(id, r.attachments, reload);
      const planned = r.state === 'planned';
      const cancel = r.state === 'void' ? null : LC.section(planned ? 'h.cancel' : 'h.void_reception',
        reasonForm('reception-void-form', planned ? 'f.cancel_reason' : 'f.reason', planned ? 'do_cancel' : 'do_void', async (d) => {
          await api('/api/receptions/' + enc(id) + '/void', { body: d });
          msg(t('saved'));
          reload();
        }));
      return [el('div', { class: 'detail-head' }, el('h2', { text: t('h.reception') + '：' + val(r.topic) }), stateBadge(r), el('code', { class: 'muted', text: r.id })),
        el('div', { class: 'cols2' }, el('div', { class: 'card' }, LC.fields([
          ['f.state', label('state', recState(r))], ['f.planned_on', val(r.planned_on)], ['f.held_on', val(r.held_on)],
          ['f.place', val(r.place)], ['f.topic', val(r.topic)], ['f.voters', val(r.voters_received)],
          ['f.deputy', who('deputy')], ['f.spokespersons', who('spokesperson')],
          ['f.note', el('span', { class: 'pre', text: val(r.note) })]].concat(r.void_reason ? [[r.held_on ? 'f.void_reason' : 'f.cancel_reason', r.void_reason, 'warn']] : []))),
        held ? LC.section('h.held', held) : atts),
        LC.section('f.opinions_taken', LC.table([['f.at', (o) => time(o.at), 'nowrap'], ['f.voter', (o) => val(o.voter), 'nowrap'],
          ['f.matter', (o) => LC.clip(o.matter, 70)], ['f.status', (o) => LC.badge(o.status), 'nowrap']],
        r.opinions || [], { id: 'reception-opinions', onRow: (o) => go('#opinion/' + enc(o.id)) })),
        held || cancel ? el('div', { class: 'cols2' }, held ? atts : null, cancel) : null];
    });
  }

  // ---- spokespersons ----
  let visitForm;
  function buildSpokespersons() {
    const add = LC.form('spokesperson-form', [
      ['name', 'text', 'f.name'], ['phone', 'tel', 'f.phone'],
      ['gender', 'select', 'f.gender', { options: LC.enumOpts('gender', ['f', 'm']), empty: 'choose' }],
      ['area', 'text', 'f.area'], ['voters', 'number', 'f.voters', { min: 0 }], ['households', 'number', 'f.households', { min: 0 }],
      ['party_member', 'checkbox', 'f.party_member', { wide: true }],
    ], 'add', async (d, form) => {
      const r = await api('/api/spokespersons', { body: d });
      form.reset();
      msg(t('added', { id: r.id }));
      await loadRef();
      loadSpokespersons();
    }, 'spokesperson-submit');
    visitForm = LC.form('visit-form', [
      ['spokesperson', 'select', 'f.spokesperson', { empty: 'choose' }], ['date', 'date', 'f.date'],
      ['households', 'number', 'f.households', { min: 0 }], ['note', 'text', 'f.note'],
    ], 'add', async (d, form) => {
      const r = await api('/api/visits', { body: d });
      form.elements.households.value = ''; form.elements.note.value = '';
      msg(t('added', { id: r.id }));
      loadSpokespersons();
    }, 'visit-submit');
    visitForm.elements.date.value = LC.today();
    refSel(visitForm, 'spokesperson', 'sp', 'choose');
    $('view-spokespersons').append(h2('nav.spokespersons'), el('div', { id: 'spokesperson-results' }),
      el('div', { class: 'cols2' }, LC.section('h.add_sp', add), LC.section('h.visit', visitForm)));
  }
  async function loadSpokespersons() {
    await into($('spokesperson-results'), null, get('/api/spokespersons'), (list) => LC.table([
      ['f.name', (s) => [val(s.name), s.void_reason ? [' ', offBadge()] : null], 'nowrap'], ['f.gender', (s) => label('gender', s.gender)],
      ['f.party_member', (s) => t(s.party_member ? 'yes' : 'no')], ['f.area', (s) => val(s.area)],
      ['f.voters', (s) => val(s.voters), 'num'], ['f.households', (s) => val(s.households), 'num'],
      ['f.visit_count', (s) => val(s.visit_count), 'num'], ['f.phone', (s) => val(s.phone), 'nowrap'],
    ], list, { id: 'spokesperson-list', onRow: (s) => go('#spokesperson/' + enc(s.id)), rowClass: (s) => (s.void_reason ? 'void' : '') }));
    if (visitFor) {
      visitForm.elements.spokesperson.value = visitFor;
      visitFor = null;
      visitForm.scrollIntoView({ block: 'center' });
      visitForm.elements.date.focus();
    }
  }
  function showSpokesperson(id) {
    const reload = () => { if (viewName() === 'spokesperson') showSpokesperson(id); };
    into($('spokesperson-detail'), back('#spokespersons'), get('/api/spokespersons/' + enc(id)), (s) => {
      const post = (path) => async (d) => {
        await api('/api/spokespersons/' + enc(id) + '/' + path, { body: d });
        msg(t('saved'));
        await loadRef();  // names and the lists of spokespersons to choose from
        reload();
      };
      // the details: only what changed is sent; party membership as party_member or not_party_member
      const keys = ['name', 'phone', 'gender', 'area', 'voters', 'households'], start = {};
      const set = LC.form('sp-set-form', [
        ['name', 'text', 'f.name'], ['phone', 'tel', 'f.phone'],
        ['gender', 'select', 'f.gender', { options: LC.enumOpts('gender', ['f', 'm']), empty: 'choose' }],
        ['area', 'text', 'f.area'], ['voters', 'number', 'f.voters', { min: 0 }], ['households', 'number', 'f.households', { min: 0 }],
        ['party_member', 'checkbox', 'f.party_member', { wide: true }],
      ], 'save', async () => {
        const d = changed(set, keys, start);
        const pm = set.elements.party_member.checked;
        if (pm !== !!s.party_member) d[pm ? 'party_member' : 'not_party_member'] = true;
        if (!Object.keys(d).length) { msg(t('nochange')); return; }
        await post('set')(d);
      }, 'sp-set-submit');
      keys.forEach((k) => { set.elements[k].value = s[k] == null ? '' : String(s[k]); start[k] = set.elements[k].value.trim(); });
      set.elements.party_member.checked = !!s.party_member;
      const off = !!s.void_reason;
      return [
        el('div', { class: 'detail-head' }, el('h2', { text: t('h.spokesperson') + '：' + val(s.name) }), off ? offBadge() : null,
          el('code', { class: 'muted', text: s.id }),
          off ? null : el('button', { type: 'button', id: 'log-visit', text: t('log_visit'), onclick: () => { visitFor = s.id; go('#spokespersons'); } })),
        el('div', { class: 'cols2' }, el('div', { class: 'card' }, LC.fields([
          ['f.name', val(s.name)], ['f.phone', val(s.phone)], ['f.gender', label('gender', s.gender)],
          ['f.party_member', t(s.party_member ? 'yes' : 'no')], ['f.area', val(s.area)], ['f.voters', val(s.voters)],
          ['f.households', val(s.households)], ['f.visit_count', val(s.visit_count)], ['opinion_count', val(s.opinion_count)],
          ['f.created_at', time(s.created_at)]].concat(off ? [['f.off_reason', s.void_reason, 'warn']] : []))),
        attachmentsCard(id, s.attachments, reload)),
        LC.section('h.visits', LC.table([['f.date', (x) => val(x.visited_on), 'nowrap'], ['f.households', (x) => val(x.households), 'num'],
          ['f.note', (x) => el('span', { class: 'pre', text: val(x.note) })]], s.visits || [], { id: 'visit-list' })),
        el('div', { class: 'cols2' }, LC.section('h.sp_set', set),
          off ? null : LC.section('h.sp_void', reasonForm('sp-void-form', 'f.off_reason', 'do_sp_void', post('void'))))];
    });
  }

  // ---- conflicts and changes the server refused ----
  function loadConflicts() {
    const link = (tb, row) => (tb === 'opinion' ? '#opinion/' + enc(row) : null);
    const rowRef = (x) => { const h = link(x.table, x.row); return el(h ? 'a' : 'span', { href: h, title: x.row, text: short(x.row) }); };
    into($('view-conflicts'), h2('nav.conflicts'), () => Promise.allSettled([api('/api/conflicts'), api('/api/refused')]), (rs) => {
      rs.forEach((r) => { if (r.status === 'rejected') fail(r.reason); });
      return [rs[0].value ? el('div', { class: 'card' }, LC.conflictTable(rs[0].value, {
        replica: me.replica, link: link, after: () => { loadStatus(); if (viewName() === 'conflicts') loadConflicts(); },
      })) : null,
      rs[1].value ? LC.section('h.refused', LC.table([
        ['f.table', (x) => label('table', x.table), 'nowrap'], ['f.row', rowRef],
        ['f.refusal', (x) => label('refusal', x.reason)], ['f.when', (x) => time(x.at), 'nowrap'],
        ['f.origin', (x) => el('span', { title: x.origin, text: (x.origin === me.replica ? t('this_device') : short(x.origin)) + ' #' + x.seq })],
      ], rs[1].value, { id: 'refused-list', key: (x) => x.origin + ':' + x.seq })) : null];
    });
  }

  // ---- month report ----
  let reportForm;
  function buildReport() {
    reportForm = LC.reportForm(loadReport, { overdueDays: true });
    $('view-report').append(reportForm, el('div', { id: 'report' }));
  }
  function loadReport() {
    const f = reportForm.elements;
    into($('report'), null, () => {
      checkNumbers(reportForm);
      return api('/api/report/month' + qs({ month: f.month.value.trim(), overdue_days: f.overdue_days.value.trim() }));
    }, LC.report);
  }

  // ---- routing: #opinions, #new, #opinion/ID, #receptions, #reception/ID, ... ----
  const VIEWS = { opinions: 'view-opinions', new: 'view-new', opinion: 'opinion-detail', receptions: 'view-receptions',
    reception: 'reception-detail', spokespersons: 'view-spokespersons', spokesperson: 'spokesperson-detail',
    conflicts: 'view-conflicts', report: 'view-report' };
  const SHOW = { opinions: loadOpinions, opinion: showOpinion, receptions: loadReceptions, reception: showReception,
    spokespersons: loadSpokespersons, spokesperson: showSpokesperson, conflicts: loadConflicts, report: loadReport,
    new: () => $('opinion-form').elements.voter.focus() };
  const viewName = () => LC.route(VIEWS, 'opinions')[0];
  function route() {
    const r = LC.route(VIEWS, 'opinions');
    LC.show(VIEWS, r[0], { opinion: 'opinions', reception: 'receptions', spokesperson: 'spokespersons' });
    SHOW[r[0]](r[1]);
  }

  async function init() {
    LC.applyI18n();
    buildOpinions(); buildNew(); buildReceptions(); buildSpokespersons(); buildReport();
    LC.navs(route);
    $('sync-button').addEventListener('click', startSync);
    await loadStatus();
    await loadRef();
    if (me.spokesperson) loadStatus();
    route();
    try {
      const s = await api('/api/sync');
      if (s.running) poll();
      else if (s.error) syncLine(t('sync.failed') + s.error, 'err');
      else if (s.result) syncLine(t('sync.done', s.result), 'ok');
    } catch (e) { fail(e); }
  }
  init();
})();
