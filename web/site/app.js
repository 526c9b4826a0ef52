// The ctg-gateway web console: one page, one view per role, every action a
// call of the JSON API (POST /api/<Service>/<Method>, protobuf JSON), which
// the gateway dispatches exactly like the gRPC call. No inline script, no
// third-party origin (Content-Security-Policy); text is inserted as text,
// never as HTML.
'use strict';

const S = { session: null };

// ---------------------------------------------------------------- helpers

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(body, http) {
    super(body.message || ('Erreur HTTP ' + http));
    this.code = body.code; this.status = body.status; this.detail = body.detail; this.http = http;
  }
}

async function api(method, body) {
  const res = await fetch('/api/' + method, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': S.session.csrfToken },
    body: JSON.stringify(body || {}),
    credentials: 'same-origin',
  });
  let json;
  try { json = await res.json(); } catch (e) { json = { message: 'Réponse illisible (HTTP ' + res.status + ')' }; }
  if (!res.ok) throw new ApiError(json, res.status);
  return json;
}

const STATUS_FR = {
  INVALID_ARGUMENT: 'Donnée invalide', FAILED_PRECONDITION: 'Action impossible dans cet état',
  PERMISSION_DENIED: 'Accès refusé', NOT_FOUND: 'Introuvable', UNAUTHENTICATED: 'Certificat refusé',
  RESOURCE_EXHAUSTED: 'Limite atteinte', UNIMPLEMENTED: 'Méthode inconnue', UNAVAILABLE: 'Service indisponible',
};

function say(message, kind) {
  const box = document.getElementById('status');
  box.replaceChildren(h('p', { class: 'msg ' + (kind || 'info') }, message));
}
function fail(e) {
  if (e instanceof ApiError) {
    say([STATUS_FR[e.status] || e.status, ' (', e.status, ') : ', e.message, e.detail ? ' — ' + e.detail : ''].join(''), 'error');
  } else {
    say('Erreur : ' + e.message, 'error');
  }
}
function clearStatus() { document.getElementById('status').replaceChildren(); }

function fmtDate(ts) {
  if (!ts) return '—';
  const d = new Date(ts);
  return new Intl.DateTimeFormat('fr-FR', { timeZone: S.session.timeZone, dateStyle: 'short', timeStyle: 'short' }).format(d);
}
function ageDays(ts) { return ts ? Math.floor((Date.now() - new Date(ts).getTime()) / 86400000) : 0; }

const STATE_FR = {
  SUBMITTED: 'Déposée', UNDER_STUDY: "À l'étude", INFO_REQUESTED: 'Informations demandées',
  APPROVED: 'Approuvée', REJECTED: 'Refusée', WITHDRAWN: 'Retirée', REVOKED: 'Révoquée', EXPIRED: 'Expirée',
};
const CONV_FR = { ACTIVE: 'Active', NOT_YET_VALID: 'Pas encore valide', SUSPENDED: 'Suspendue', TERMINATION_NOTIFIED: 'Résiliation notifiée', ENDED: 'Terminée' };
const OPINION_FR = { FAVOURABLE: 'Favorable', UNFAVOURABLE: 'Défavorable', OPINION_UNSPECIFIED: '—' };
const REASON_FR = { SMALL_COUNT: 'Effectif inférieur à 5 (secret primaire)', SECONDARY: 'Protection d\'une autre case (secret secondaire)', EARLIER_RELEASE: 'Diffusion antérieure', GROUP_DISCLOSURE: 'Catégorie regroupant tous les contributeurs du territoire (divulgation de groupe)' };

function stateBadge(s) { return h('span', { class: 'badge state-' + s }, STATE_FR[s] || s); }

function table(caption, head, rows, attrs) {
  return h('table', attrs || {}, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
}

function field(label, input, help) {
  const id = input.id || ('f-' + Math.random().toString(36).slice(2));
  input.id = id;
  if (help) input.setAttribute('aria-describedby', id + '-help');
  return h('div', { class: 'field' }, h('label', { for: id }, label), input,
    help ? h('p', { class: 'help', id: id + '-help' }, help) : null);
}

function checkboxes(legend, name, items) {
  return h('fieldset', { class: 'checks' }, h('legend', {}, legend),
    items.map((it) => {
      const id = name + '-' + it.value.replace(/[^A-Za-z0-9_-]/g, '_');
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id, name, value: it.value, checked: it.checked }),
        h('label', { for: id }, it.label));
    }));
}
function checked(form, name) { return [...form.querySelectorAll('input[name="' + name + '"]:checked')].map((i) => i.value); }

function setView(title, ...content) {
  document.getElementById('title').textContent = title;
  document.title = title + ' — Console ctg-gateway';
  document.getElementById('view').replaceChildren(...content.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

// -------------------------------------------------------------- navigation

const MENUS = {
  requester: [['#/catalogue', 'Catalogue'], ['#/nouvelle', 'Nouvelle demande'], ['#/demandes', 'Demandes de la commune'], ['#/accords', 'Accords de transmission']],
  operator: [['#/catalogue', 'Catalogue'], ['#/demandes', 'Demandes']],
  reviewer: [['#/file', "File d'étude"], ['#/accords', 'Accords de transmission'], ['#/catalogue', 'Catalogue']],
  admin: [['#/conventions', 'Conventions'], ['#/import', 'Import de la base']],
  auditor: [['#/audit', 'Journal d\'audit'], ['#/rapport', 'Évaluation (R13)'], ['#/file', 'Demandes'], ['#/caf-demandes', 'Demandes de la Caf'], ['#/accords', 'Accords']],
  // Article 7, the other direction: the Caf asks a commune for its data.
  'caf-requester': [['#/caf-nouvelle', 'Nouvelle demande à une commune'], ['#/caf-demandes', 'Demandes de la Caf']],
  'commune-reviewer': [['#/caf-demandes', 'Demandes de la Caf à la commune']],
};
const HOME = { requester: '#/demandes', operator: '#/demandes', reviewer: '#/file', admin: '#/conventions', auditor: '#/audit',
  'caf-requester': '#/caf-demandes', 'commune-reviewer': '#/caf-demandes' };
function viewNoPages() {
  setView('Console', h('p', {}, 'La console n\'a pas de pages pour le rôle « ' + S.session.role +
    ' ». Utilisez la commande ctg ; les méthodes de ce rôle sont servies par l\'API JSON de la console.'));
}

function renderNav() {
  const items = MENUS[S.session.role] || [];
  const here = location.hash.split('?')[0].split('/').slice(0, 2).join('/');
  document.getElementById('nav').replaceChildren(h('ul', {}, items.map(([href, label]) =>
    h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : null }, label)))));
}

async function route() {
  // Milliseconds from navigation to the start of this view (an in-page
  // navigation starts here; measured by bench/web/).
  document.documentElement.dataset.routeStartMs = String(Math.round(performance.now()));
  clearStatus();
  if (!HOME[S.session.role]) { renderNav(); return viewNoPages(); }
  // The query (filters, pages) is the view's own: not part of the route.
  const parts = (location.hash || HOME[S.session.role]).split('?')[0].slice(2).split('/');
  renderNav();
  const [page, arg] = parts;
  try {
    switch (page) {
      case 'catalogue': return await viewCatalogue();
      case 'nouvelle': return await viewNewRequest();
      case 'demandes': case 'file': return await viewRequests(page);
      case 'demande': return await viewRequest(decodeURIComponent(arg));
      case 'conventions': return await viewConventions();
      case 'import': return viewImport();
      case 'audit': return await viewAudit();
      case 'rapport': return await viewReport();
      case 'caf-nouvelle': return await viewCafNewRequest();
      case 'caf-demandes': return await viewCafRequests();
      case 'caf-demande': return await viewCafRequest(decodeURIComponent(arg));
      case 'accords': return await viewAgreements();
      case 'accord': return await viewAgreement(decodeURIComponent(arg));
      default: location.hash = HOME[S.session.role] || '#/catalogue';
    }
  } catch (e) { setView('Erreur'); fail(e); } finally {
    // Milliseconds from navigation to this view on screen (measured by bench/web/).
    document.documentElement.dataset.renderedMs = String(Math.round(performance.now()));
  }
}

// ---------------------------------------------------------------- catalogue

async function catalogue() {
  const [ind, ter, per] = await Promise.all([
    api('ctg.v1.Catalogue/ListIndicators', {}),
    api('ctg.v1.Catalogue/ListTerritories', { pageSize: 500 }),
    api('ctg.v1.Catalogue/ListPeriods', {}),
  ]);
  return { indicators: ind.indicators || [], territories: ter.territories || [], periods: per.periods || [] };
}

async function viewCatalogue() {
  const c = await catalogue();
  setView('Catalogue des indicateurs',
    table('Indicateurs et leurs ventilations', ['Code', 'Libellé', 'Unité', 'Ventilations'],
      c.indicators.map((i) => h('tr', {}, h('td', {}, h('code', {}, i.code)), h('td', {}, i.label),
        h('td', {}, i.unit === 'EUROS_PER_MONTH' ? '€ par mois' : 'effectif'),
        h('td', {}, (i.breakdowns || []).map((b) => b.label + ' (' + (b.categories || []).map((x) => x.label).join(', ') + ')').join(' ; '))))),
    table('Territoires du périmètre', ['Code', 'Nom', 'Niveau'],
      c.territories.map((t) => h('tr', {}, h('td', {}, h('code', {}, t.code)), h('td', {}, t.name), h('td', {}, t.level)))),
    table('Périodes de la base', ['Période', 'Version', 'Importée le (' + S.session.timeZone + ')'],
      c.periods.map((p) => h('tr', {}, h('td', {}, p.period), h('td', {}, h('code', {}, p.baseVersion)), h('td', {}, fmtDate(p.importTime))))));
}

// ------------------------------------------------------------ request form

function scopePickers(c, scope) {
  scope = scope || {};
  const has = (list, v) => (list || []).includes(v);
  const breakdowns = new Map();
  for (const i of c.indicators) for (const b of i.breakdowns || []) breakdowns.set(b.code, b.label);
  return [
    checkboxes('Indicateurs', 'indicator', c.indicators.map((i) => ({ value: i.code, label: i.label + ' (' + i.code + ')', checked: has(scope.indicators, i.code) }))),
    checkboxes('Ventilations', 'breakdown', [...breakdowns].map(([code, label]) => ({ value: code, label, checked: has(scope.breakdowns, code) }))),
    checkboxes('Territoires du périmètre', 'territory', c.territories.map((t) => ({ value: t.code, label: t.name + ' (' + t.code + ', ' + t.level + ')', checked: has(scope.territories, t.code) }))),
    checkboxes('Périodes', 'period', c.periods.map((p) => ({ value: p.period, label: p.period, checked: has(scope.periods, p.period) }))),
  ];
}
function scopeOf(form) {
  return { indicators: checked(form, 'indicator'), territories: checked(form, 'territory'), periods: checked(form, 'period'), breakdowns: checked(form, 'breakdown') };
}

async function viewNewRequest() {
  const c = await catalogue();
  const form = h('form', { class: 'stack', novalidate: true },
    field('Finalité (objet de la demande)', h('textarea', { name: 'purpose', rows: 3, required: true })),
    field('Objectif de la convention servi', h('input', { name: 'objective', type: 'text', required: true })),
    field('Justification', h('textarea', { name: 'justification', rows: 2 })),
    scopePickers(c),
    h('fieldset', {}, h('legend', {}, 'Destinataires'),
      field('Service destinataire de la commune', h('input', { name: 'own', type: 'text' })),
      field("Opérateur d'analyse (nom)", h('input', { name: 'opName', type: 'text' })),
      field("Opérateur d'analyse (identifiant de la personne)", h('input', { name: 'opPerson', type: 'text' }), 'Laisser vide sans opérateur')),
    field('Durée de conservation (mois)', h('input', { name: 'retention', type: 'number', min: 1, max: 120, value: 12 })),
    h('button', { type: 'submit' }, 'Déposer la demande'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const recipients = [];
    if (f.own.value.trim()) recipients.push({ kind: 'OWN_SERVICE', name: f.own.value.trim() });
    if (f.opName.value.trim()) recipients.push({ kind: 'OPERATOR', name: f.opName.value.trim(), operatorPerson: f.opPerson.value.trim() });
    try {
      const r = await api('ctg.v1.DataRequests/SubmitRequest', {
        purpose: f.purpose.value, objective: f.objective.value, justification: f.justification.value,
        scope: scopeOf(form), recipients, retentionMonths: Number(f.retention.value) || 0,
      });
      location.hash = '#/demande/' + encodeURIComponent(r.id);
      say('Demande ' + r.id + ' déposée.', 'ok');
    } catch (e) { fail(e); }
  });
  setView('Nouvelle demande', form);
}

// ------------------------------------------------------------ request lists

// A paged list (server-side: the method's page_size / page_token and its
// state filter). The fragment holds the filters and the tokens of the pages
// seen so far, so that every page has an address and "previous" is a link:
// #/file?etat=UNDER_STUDY&commune=33069&pages=REQ-000951,REQ-000901
// The request lists also have an order (ordre=anciennes: oldest first, the
// method's order_by "create_time"); a page token belongs to its order.
const PAGE_SIZE = 50;

function listParams() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const size = Math.min(500, Math.max(1, Number(q.get('n')) || PAGE_SIZE));
  return { q, state: q.get('etat') || '', commune: q.get('commune') || '', size,
    oldestFirst: q.get('ordre') === 'anciennes',
    tokens: (q.get('pages') || '').split(',').filter(Boolean) };
}
function listHref(page, q, tokens) {
  const out = new URLSearchParams(q);
  if (tokens.length) out.set('pages', tokens.join(',')); else out.delete('pages');
  const s = out.toString();
  return '#/' + page + (s ? '?' + s : '');
}

// Filters (state, and the commune for the Caf's roles) and the pager of a
// paged list; `answer` is the method's response.
function listControls(page, p, answer, withCommune, withOrder) {
  const form = h('form', { class: 'filters', id: 'list-filters' },
    field('État', h('select', { name: 'etat', id: 'state-filter' }, h('option', { value: '' }, 'Tous les états'),
      Object.entries(STATE_FR).map(([k, v]) => h('option', { value: k, selected: k === p.state }, v)))),
    withCommune ? field('Commune (code INSEE)', h('input', { name: 'commune', type: 'text', value: p.commune, pattern: '[0-9AB]{5}', size: 6 })) : null,
    withOrder ? field('Ordre', h('select', { name: 'ordre', id: 'order-filter' },
      h('option', { value: '' }, "Les plus récentes d'abord"),
      h('option', { value: 'anciennes', selected: p.oldestFirst }, "Les plus anciennes d'abord"))) : null,
    h('button', { type: 'submit' }, 'Filtrer'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (form.elements.etat.value) q.set('etat', form.elements.etat.value);
    if (withCommune && form.elements.commune.value.trim()) q.set('commune', form.elements.commune.value.trim());
    if (withOrder && form.elements.ordre.value) q.set('ordre', form.elements.ordre.value);
    if (p.size !== PAGE_SIZE) q.set('n', p.size);
    location.hash = listHref(page, q, []);
  });
  // A button applies the filters: moving through the states with the arrow
  // keys does not reload the list at each step (keyboard use).
  const prev = p.tokens.length ? h('a', { href: listHref(page, p.q, p.tokens.slice(0, -1)), id: 'prev-page', rel: 'prev' }, '← Page précédente') : null;
  const next = answer.nextPageToken ? h('a', { href: listHref(page, p.q, [...p.tokens, answer.nextPageToken]), id: 'next-page', rel: 'next' }, 'Page suivante →') : null;
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages de la liste' }, prev, ' ', h('span', { id: 'page-number' }, 'Page ' + (p.tokens.length + 1)), ' ', next);
  return { form, pager };
}

async function viewRequests(page) {
  const p = listParams();
  const list = await api('ctg.v1.DataRequests/ListRequests', {
    state: p.state || undefined, commune: p.commune || undefined, pageSize: p.size, pageToken: p.tokens[p.tokens.length - 1] || undefined,
    orderBy: p.oldestFirst ? 'create_time' : undefined });
  const requests = list.requests || [];
  const caf = ['reviewer', 'auditor'].includes(S.session.role);
  const { form, pager } = listControls(page, p, list, caf, true);
  setView(page === 'file' ? "File d'étude des demandes" : 'Demandes de la commune',
    form,
    table('Demandes, page ' + (p.tokens.length + 1) + ' (' + requests.length + ' ; ' + (p.oldestFirst ? 'les plus anciennes' : 'les plus récentes') + ' d\'abord ; dates en ' + S.session.timeZone + ')',
      ['Demande', 'État', 'Commune', 'Déposée le', 'Âge (jours)', 'Mise à jour', 'Finalité'],
      requests.map((r) => h('tr', {},
        h('td', {}, h('a', { href: '#/demande/' + encodeURIComponent(r.id) }, r.id)),
        h('td', {}, stateBadge(r.state)), h('td', {}, r.commune),
        h('td', {}, fmtDate(r.createTime)), h('td', { class: 'num' }, ageDays(r.createTime)),
        h('td', {}, fmtDate(r.updateTime)), h('td', {}, r.purpose)))),
    emptyPage(requests, p),
    pager);
}

// A page token may lead to an empty page (the previous one ended the list).
function emptyPage(rows, p) {
  if (rows.length) return null;
  return h('p', {}, p.tokens.length ? 'Aucune demande sur cette page : la liste s\'arrête à la page précédente.' : 'Aucune demande.');
}

// ---------------------------------------------------------- one request

function scopeList(scope) {
  scope = scope || {};
  return h('dl', { class: 'kv' },
    h('dt', {}, 'Indicateurs'), h('dd', {}, (scope.indicators || []).join(', ') || '—'),
    h('dt', {}, 'Territoires'), h('dd', {}, (scope.territories || []).join(', ') || '—'),
    h('dt', {}, 'Périodes'), h('dd', {}, (scope.periods || []).join(', ') || '—'),
    h('dt', {}, 'Ventilations'), h('dd', {}, (scope.breakdowns || []).join(', ') || '—'));
}

function requestDetails(r) {
  const out = [
    h('p', {}, 'État : ', stateBadge(r.state), ' — commune ', r.commune, ', convention ', r.conventionId),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Finalité'), h('dd', {}, r.purpose),
      h('dt', {}, 'Objectif'), h('dd', {}, r.objective),
      h('dt', {}, 'Justification'), h('dd', {}, r.justification || '—'),
      h('dt', {}, 'Demandeur'), h('dd', {}, r.requester),
      h('dt', {}, 'Conservation'), h('dd', {}, r.retentionMonths + ' mois'),
      h('dt', {}, 'Destinataires'), h('dd', {}, (r.recipients || []).map((x) => x.name + (x.kind === 'OPERATOR' ? ' (opérateur ' + x.operatorPerson + ')' : '')).join(' ; ') || '—')),
    h('h2', {}, 'Périmètre demandé'), scopeList(r.scope),
  ];
  out.push(studySections(r, 'de la Caf'));
  out.push(conventionEndNotice(r.conventionEnd));
  if (r.approval && r.approval.downloadQuota !== undefined && r.state === 'APPROVED') {
    out.push(h('p', {}, 'Approbation : jusqu\'au ', fmtDate(r.approval.endTime), ', téléchargements ', r.approval.downloadsUsed, ' / ', r.approval.downloadQuota));
  }
  out.push(h('h2', {}, 'Versions'),
    table('Versions de la demande', ['Version', 'Auteur', 'Le', 'Réponse', 'Périmètre'],
      (r.versions || []).map((v) => h('tr', {}, h('td', { class: 'num' }, v.version), h('td', {}, v.author), h('td', {}, fmtDate(v.createTime)),
        h('td', {}, v.answer || '—'), h('td', {}, [v.scope.indicators, v.scope.territories, v.scope.periods].map((x) => (x || []).join(', ')).join(' | '))))),
    historySection(r));
  return out;
}

function actionForm(title, fields, button, onsubmit) {
  const form = h('form', { class: 'stack action' }, h('h3', {}, title), fields, h('button', { type: 'submit' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try { await onsubmit(form.elements, form); } catch (e) { fail(e); }
  });
  return form;
}

async function viewRequest(id) {
  const r = await api('ctg.v1.DataRequests/GetRequest', { id });
  const role = S.session.role;
  const reload = async (msg) => { await viewRequest(id); say(msg, 'ok'); };
  const actions = [];
  if (role === 'requester' && r.state === 'INFO_REQUESTED') {
    actions.push(actionForm('Répondre aux questions (compléter la demande)', [
      field('Réponse', h('textarea', { name: 'answer', rows: 3, required: true })),
      field('Justification (peut être précisée)', h('textarea', { name: 'justification', rows: 2 }, r.justification || '')),
    ], 'Envoyer la réponse', async (f) => {
      await api('ctg.v1.DataRequests/AmendRequest', { id, answer: f.answer.value, justification: f.justification.value, scope: r.scope });
      await reload('Réponse envoyée.');
    }));
  }
  if (role === 'requester' && ['SUBMITTED', 'UNDER_STUDY', 'INFO_REQUESTED'].includes(r.state)) {
    actions.push(actionForm('Retirer la demande', [field('Motif', h('input', { name: 'reason', type: 'text' }))], 'Retirer', async (f) => {
      await api('ctg.v1.DataRequests/WithdrawRequest', { id, reason: f.reason.value });
      await reload('Demande retirée.');
    }));
  }
  if ((role === 'requester' || role === 'operator') && r.state === 'APPROVED') {
    actions.push(h('div', { class: 'action' }, h('h3', {}, 'Extrait'),
      h('button', { type: 'button', id: 'download', onclick: () => downloadExtract(id).catch(fail) }, "Télécharger l'extrait et vérifier son reçu"),
      h('div', { id: 'extract' })));
  }
  if (role === 'reviewer') {
    if (r.state === 'SUBMITTED') {
      actions.push(h('div', { class: 'action' }, h('button', { type: 'button', id: 'start', onclick: async () => {
        try { await api('ctg.v1.DataRequests/StartStudy', { id }); await reload("Étude commencée."); } catch (e) { fail(e); }
      } }, "Commencer l'étude")));
    }
    if (['UNDER_STUDY', 'SUBMITTED', 'INFO_REQUESTED'].includes(r.state)) {
      actions.push(h('div', { class: 'action' }, h('h3', {}, 'Faisabilité'),
        h('button', { type: 'button', id: 'preview', onclick: () => showPreview(id).catch(fail) }, 'Aperçu de faisabilité (secret statistique)'),
        h('div', { id: 'preview-result' })));
    }
    if (r.state === 'UNDER_STUDY') {
      actions.push(actionForm('Demander des informations à la commune', [
        field('Questions (une par ligne)', h('textarea', { name: 'questions', rows: 3, required: true })),
      ], 'Envoyer les questions', async (f) => {
        await api('ctg.v1.DataRequests/RequestInformation', { id, questions: f.questions.value.split('\n').map((q) => q.trim()).filter(Boolean) });
        await reload('Questions envoyées.');
      }));
      actions.push(decisionForm(r, reload));
    }
    if (r.state === 'APPROVED') {
      actions.push(revokeForm(id, reload));
    }
  }
  if (role === 'admin' && r.state === 'APPROVED') actions.push(revokeForm(id, reload));
  setView('Demande ' + r.id, requestDetails(r), actions.length ? h('section', { 'aria-label': 'Actions' }, h('h2', {}, 'Actions'), actions) : []);
}

function revokeForm(id, reload) {
  return actionForm("Révoquer l'approbation", [field('Motif', h('input', { name: 'reason', type: 'text', required: true }))], 'Révoquer', async (f) => {
    if (!confirm('Révoquer l\'approbation de ' + id + ' ? Les téléchargements cesseront aussitôt.')) return;
    await api('ctg.v1.DataRequests/RevokeRequest', { id, reason: f.reason.value });
    await reload('Approbation révoquée.');
  });
}

function opinionFields(prefix, label) {
  return h('fieldset', {}, h('legend', {}, label),
    field('Avis', h('select', { name: prefix + 'Opinion' }, h('option', { value: '' }, '— pas d\'avis —'),
      h('option', { value: 'FAVOURABLE' }, 'Favorable'), h('option', { value: 'UNFAVOURABLE' }, 'Défavorable'))),
    field('Motivation', h('textarea', { name: prefix + 'Reasoning', rows: 2 })));
}

// The study's decision, for either direction: `method` is DecideRequest or
// DecideCafRequest (the same fields).
function decisionForm(r, reload, method) {
  const endDefault = new Date(Date.now() + 365 * 86400000).toISOString().slice(0, 10);
  return actionForm('Avis et décision', [
    opinionFields('opp', "Avis d'opportunité"), opinionFields('fea', 'Avis de faisabilité'),
    field('Décision', h('select', { name: 'decision' }, h('option', { value: '' }, 'Enregistrer les avis seulement'),
      h('option', { value: 'APPROVE' }, 'Approuver'), h('option', { value: 'REJECT' }, 'Refuser'))),
    field("Fin de l'approbation", h('input', { name: 'end', type: 'date', value: endDefault })),
    field('Nombre de téléchargements', h('input', { name: 'quota', type: 'number', min: 1, value: 3 })),
    field('Motifs (refus)', h('textarea', { name: 'reasons', rows: 2 })),
  ], 'Enregistrer', async (f) => {
    const op = (p) => (f[p + 'Opinion'].value ? { opinion: f[p + 'Opinion'].value, reasoning: f[p + 'Reasoning'].value } : undefined);
    const body = { id: r.id, decision: f.decision.value || undefined, opportunity: op('opp'), feasibility: op('fea') };
    if (f.decision.value === 'APPROVE') {
      body.downloadQuota = Number(f.quota.value);
      if (f.end.value) body.endTime = f.end.value + 'T23:59:59Z';
    }
    if (f.decision.value === 'REJECT') body.reasons = f.reasons.value;
    await api(method || 'ctg.v1.DataRequests/DecideRequest', body);
    await reload('Décision enregistrée.');
  });
}

async function showPreview(id) {
  const p = await api('ctg.v1.DataRequests/PreviewFeasibility', { id });
  const total = Number(p.cellsTotal) || 0;
  const pct = (n) => (total ? (100 * Number(n) / total).toFixed(1) + ' %' : '—');
  const byCell = new Map();
  for (const m of p.masked || []) {
    const key = m.indicator;
    if (!byCell.has(key)) byCell.set(key, []);
    byCell.get(key).push(m);
  }
  const legend = h('ul', { class: 'legend', 'aria-label': 'Légende' },
    h('li', {}, h('span', { class: 'swatch cell-published' }), 'publiée'),
    h('li', {}, h('span', { class: 'swatch cell-SMALL_COUNT' }), REASON_FR.SMALL_COUNT),
    h('li', {}, h('span', { class: 'swatch cell-SECONDARY' }), REASON_FR.SECONDARY),
    h('li', {}, h('span', { class: 'swatch cell-EARLIER_RELEASE' }), REASON_FR.EARLIER_RELEASE),
    h('li', {}, h('span', { class: 'swatch cell-GROUP_DISCLOSURE' }), REASON_FR.GROUP_DISCLOSURE),
    h('li', {}, h('span', { class: 'swatch cell-excluded' }), 'territoire exclu (moins de 100 allocataires, R6)'));
  document.getElementById('preview-result').replaceChildren(
    table('Synthèse du secret statistique', ['Cases', 'Nombre', 'Part'], [
      h('tr', { class: 'cell-published' }, h('th', { scope: 'row' }, 'Publiées'), h('td', { class: 'num' }, p.cellsPublished), h('td', { class: 'num' }, pct(p.cellsPublished))),
      h('tr', { class: 'cell-SMALL_COUNT' }, h('th', { scope: 'row' }, 'Masquées : effectif < 5'), h('td', { class: 'num' }, p.cellsMaskedSmall), h('td', { class: 'num' }, pct(p.cellsMaskedSmall))),
      h('tr', { class: 'cell-SECONDARY' }, h('th', { scope: 'row' }, 'Masquées : secret secondaire'), h('td', { class: 'num' }, p.cellsMaskedSecondary), h('td', { class: 'num' }, pct(p.cellsMaskedSecondary))),
      h('tr', { class: 'cell-EARLIER_RELEASE' }, h('th', { scope: 'row' }, 'Masquées : diffusion antérieure'), h('td', { class: 'num' }, p.cellsMaskedEarlier), h('td', { class: 'num' }, pct(p.cellsMaskedEarlier))),
      h('tr', {}, h('th', { scope: 'row' }, 'Total'), h('td', { class: 'num' }, p.cellsTotal), h('td', { class: 'num' }, '100 %')),
    ]),
    h('p', {}, 'Perte d\'information (valeur des cases masquées) : ', p.valueSuppressed, '. Contrôle du tableau : ', p.auditPassed ? 'réussi' : 'non réussi'),
    h('p', {}, 'Territoires exclus (R6) : ', (p.excludedTerritories || []).length ? h('span', { class: 'cell-excluded' }, p.excludedTerritories.join(', ')) : 'aucun'),
    legend,
    table('Cases masquées par indicateur, et pourquoi', ['Indicateur', 'Territoire', 'Période', 'Ventilation', 'Catégorie', 'Motif'],
      [...byCell.values()].flat().map((m) => h('tr', { class: 'cell-' + m.reason },
        h('td', {}, m.indicator), h('td', {}, m.territory), h('td', {}, m.period), h('td', {}, m.breakdown || 'total'),
        h('td', {}, m.category || '—'), h('td', {}, REASON_FR[m.reason] || m.reason)))));
}

// --------------------------------------------------- extracts and receipts

function b64ToBytes(b64) { const s = atob(b64); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
function hex(bytes) { return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join(''); }
function concat(...parts) { const n = parts.reduce((a, p) => a + p.length, 0); const out = new Uint8Array(n); let o = 0; for (const p of parts) { out.set(p, o); o += p.length; } return out; }
async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)); }
function eq(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

// RFC 9162 §2.1.3.2: the root a leaf's inclusion proof leads to.
async function rootFromProof(leafHash, index, size, proof) {
  let fn = BigInt(index), sn = BigInt(size) - 1n, r = leafHash;
  for (const p of proof) {
    if (sn === 0n) throw new Error('preuve trop longue');
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(concat([1], p, r));
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256(concat([1], r, p));
    }
    fn >>= 1n; sn >>= 1n;
  }
  if (sn !== 0n) throw new Error('preuve trop courte');
  return r;
}

// The checkpoint note (C2SP signed note): origin, size, root; and whether
// its Ed25519 signature verifies with the audit key (null: the browser has
// no Ed25519 in WebCrypto).
async function openCheckpoint(note) {
  const cut = note.lastIndexOf('\n\n');
  const text = note.slice(0, cut + 1);
  const [origin, size, root] = text.trimEnd().split('\n');
  const result = { origin, size: BigInt(size), root: b64ToBytes(root), signature: null, keyName: '' };
  // The verifier key is "<name>+<hex key id>+<base64(0x01 || key)>"; the
  // base64 may itself hold '+'.
  const vkey = S.session.auditVerifierKey || '';
  const i1 = vkey.indexOf('+'), i2 = vkey.indexOf('+', i1 + 1);
  const name = vkey.slice(0, i1), keyB64 = i2 > 0 ? vkey.slice(i2 + 1) : '';
  result.keyName = name;
  const lines = note.slice(cut + 2).split('\n').filter(Boolean);
  const line = lines.find((l) => l.startsWith('\u2014 ' + name + ' '));
  if (!line || !keyB64) { result.signature = false; return result; }
  const sig = b64ToBytes(line.split(' ').pop()).slice(4);
  let key;
  try {
    key = await crypto.subtle.importKey('raw', b64ToBytes(keyB64).slice(1), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    result.signature = e.name === 'NotSupportedError' ? null : false;  // null: no Ed25519 in this browser
    return result;
  }
  try {
    result.signature = await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, new TextEncoder().encode(text));
  } catch (e) {
    result.signature = false;
  }
  return result;
}

function verdictList(items) {
  return h('ul', { class: 'verdicts' }, items.map(([ok, text]) => h('li', { class: ok === true ? 'ok' : ok === false ? 'ko' : 'na' },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, ok === true ? '✔' : ok === false ? '✘' : '–'), ' ', text,
    h('span', { class: 'sr-only' }, ok === true ? ' : vérifié' : ok === false ? ' : ÉCHEC' : ' : non vérifiable ici'))));
}

function csvCell(v) { v = String(v); return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }

async function downloadExtract(id) {
  const chunks = await api('ctg.v1.Extracts/GetExtract', { requestId: id });
  const header = chunks.find((c) => c.header).header;
  const trailer = chunks.find((c) => c.trailer).trailer;
  const cells = chunks.filter((c) => c.cells).flatMap((c) => c.cells.cells || []);
  // The extract's canonical CSV (extract/extract_csv.cc), byte for byte: its
  // SHA-256 is the digest the release event records.
  const row = (k, v) => csvCell(k) + ',' + csvCell(v) + '\n';
  const recipients = (header.recipients || []).map((r) => (r.kind === 'OPERATOR' ? 'operator:' + r.operatorPerson + ':' + r.name : 'own:' + r.name)).join('; ');
  let csv = row('source', header.sourceMention) + row('extract_id', header.extractId) + row('request_id', header.requestId) +
    row('commune', header.commune) + row('convention_id', header.conventionId) + row('purpose', header.purpose) +
    row('objective', header.objective) + row('recipients', recipients) + row('base_version', header.baseVersion) +
    '\nterritory,level,period,indicator,breakdown,category,value,status\n';
  const LEVEL = { COMMUNE: 'commune', IRIS: 'iris', QPV: 'qpv' };
  const STATUS = { PUBLISHED: 'published', MASKED: 'masked', EXCLUDED: 'excluded' };
  for (const c of cells) {
    csv += [c.territory, LEVEL[c.level] || '', c.period, c.indicator, c.breakdown, c.category].map(csvCell).join(',') + ',' +
      (c.status === 'PUBLISHED' && c.value !== undefined ? c.value : '') + ',' + (STATUS[c.status] || 'masked') + '\n';
  }
  const bytes = new TextEncoder().encode(csv);
  const fileMatches = hex(await sha256(bytes)) === trailer.sha256;
  const blob = new Blob([bytes], { type: 'text/csv;charset=utf-8' });
  const link = h('a', { href: URL.createObjectURL(blob), download: header.extractId + '.csv', id: 'csv-link' }, 'Enregistrer le fichier CSV (' + cells.length + ' cases)');
  // The receipt: the release event is in the audit log's tree whose root
  // the gateway signed.
  const rc = await checkReceipt(trailer.receipt, trailer.sha256);
  const ok = fileMatches && rc.ok;
  document.getElementById('extract').replaceChildren(
    h('p', { class: 'source' }, header.sourceMention),
    h('dl', { class: 'kv' }, h('dt', {}, 'Extrait'), h('dd', {}, header.extractId), h('dt', {}, 'Diffusé le'), h('dd', {}, fmtDate(header.releaseTime) + ' (' + S.session.timeZone + ')'),
      h('dt', {}, 'Version de la base'), h('dd', {}, header.baseVersion), h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, trailer.sha256))),
    link,
    conventionEndNotice(trailer.receipt.conventionEnd),
    h('h4', {}, 'Reçu de diffusion'),
    verdictList([[fileMatches, 'Le fichier CSV, reconstitué dans le navigateur, a cette empreinte SHA-256'], ...rc.verdicts('cette empreinte SHA-256'),
      ...conventionEndVerdict(trailer.receipt)]),
    h('p', { class: ok ? 'msg ok' : 'msg error', id: 'receipt-verdict' }, ok ? 'Reçu vérifié.' : 'Reçu NON vérifié.'));
  // R3: passing this release on to a third party needs the Caf's prior
  // agreement, asked here.
  if (S.session.role === 'requester') {
    document.getElementById('extract').append(transferForm(header.extractId));
  }
}

// R11: a release or a request under a termination notice says when the
// convention ends and what that means for the data released.
function conventionEndNotice(end) {
  if (!end) return [];
  return h('div', { class: 'msg warn', id: 'convention-end' },
    h('p', {}, 'La convention ', end.conventionId, ' prend fin le ', h('strong', {}, end.endDate),
      ' (résiliation notifiée le ', end.noticeDate || '—', ') : aucune diffusion à partir du ', end.effectiveDate, '.'),
    h('p', { lang: 'en' }, end.conditions));
}

// The end date the receipt tells is the one its signed event records.
function conventionEndVerdict(receipt) {
  if (!receipt.conventionEnd) return [];
  const fact = 'convention_ends';
  const text = new TextDecoder().decode(b64ToBytes(receipt.event));
  const recorded = text.includes(fact) && text.includes(receipt.conventionEnd.endDate);
  return [[recorded, "L'événement d'audit enregistre la fin de la convention le " + receipt.conventionEnd.endDate]];
}

// A receipt (ReleaseReceipt): its audit event names `named` (a digest, an
// id), the event is in the tree of the signed checkpoint (RFC 9162 proof
// recomputed with WebCrypto), and the checkpoint's Ed25519 signature holds.
async function checkReceipt(receipt, named) {
  const event = b64ToBytes(receipt.event);
  const leaf = await sha256(concat([0], event));
  const cp = await openCheckpoint(receipt.checkpoint);
  let included = false;
  try {
    const root = await rootFromProof(leaf, BigInt(receipt.auditSequence) - 1n, BigInt(receipt.treeSize), (receipt.inclusionProof || []).map(b64ToBytes));
    included = eq(root, cp.root) && cp.size === BigInt(receipt.treeSize);
  } catch (e) { included = false; }
  const namesIt = new TextDecoder().decode(event).includes(named);
  return {
    ok: namesIt && included && cp.signature !== false,
    verdicts: (what) => [
      [namesIt, "L'événement d'audit n° " + receipt.auditSequence + ' nomme ' + what],
      [included, "Cet événement est dans l'arbre du journal d'audit de taille " + receipt.treeSize + ' (preuve d\'inclusion recalculée en SHA-256 dans le navigateur)'],
      [cp.signature, 'Le point de contrôle est signé (Ed25519, clé ' + cp.keyName + ')' + (cp.signature === null ? ' — ce navigateur ne sait pas vérifier Ed25519' : '')],
    ],
  };
}

// --------------------------------------- Article 7: the Caf asks a commune

// The Caf's requests to communes (ctg.v1.CafRequests): filed by a Caf
// requester, studied by the commune's reviewers with the same states,
// opinions and history as the commune's requests; once approved the
// commune uploads its data, which the Caf downloads with a signed receipt.

function csvList(text) { return text.split(',').map((x) => x.trim()).filter(Boolean); }

async function viewCafNewRequest() {
  const list = await api('ctg.v1.Conventions/ListConventions', { pageSize: 500 });
  const open = (list.conventions || []).filter((c) => c.state === 'ACTIVE');
  const form = h('form', { class: 'stack', novalidate: true },
    field('Commune sollicitée', h('select', { name: 'commune', required: true },
      open.map((c) => h('option', { value: c.commune }, c.communeName + ' (' + c.commune + ', convention ' + c.id + ')'))),
      'Seules les communes dont la convention est active.'),
    field('Finalité (objet de la demande)', h('textarea', { name: 'purpose', rows: 3, required: true }), 'Elle ne pourra plus changer (R2).'),
    field('Objectif de la convention servi', h('input', { name: 'objective', type: 'text', required: true })),
    field('Données demandées (description)', h('textarea', { name: 'description', rows: 3, required: true })),
    h('fieldset', {}, h('legend', {}, 'Modèle de tableau (facultatif)'),
      h('p', { class: 'help' }, 'Sans colonnes, la commune dépose le fichier CSV de son choix. Avec des colonnes, son fichier doit avoir cet en-tête, et les colonnes « territory » et « period » ces seules valeurs si elles sont données.'),
      field('Colonnes (séparées par des virgules)', h('input', { name: 'columns', type: 'text', placeholder: 'territory,period,places_creche' })),
      field('Territoires (codes séparés par des virgules)', h('input', { name: 'territories', type: 'text' })),
      field('Périodes (séparées par des virgules)', h('input', { name: 'periods', type: 'text' }))),
    field('Service destinataire à la Caf', h('input', { name: 'recipient', type: 'text', required: true })),
    field('Durée de conservation (mois)', h('input', { name: 'retention', type: 'number', min: 1, max: 120, value: 24 })),
    h('button', { type: 'submit' }, 'Déposer la demande'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const columns = csvList(f.columns.value);
    const body = { commune: f.commune.value, purpose: f.purpose.value, objective: f.objective.value, description: f.description.value,
      recipients: f.recipient.value.trim() ? [{ kind: 'OWN_SERVICE', name: f.recipient.value.trim() }] : [],
      retentionMonths: Number(f.retention.value) || 0 };
    if (columns.length) body.dataTemplate = { columns, territories: csvList(f.territories.value), periods: csvList(f.periods.value) };
    try {
      const r = await api('ctg.v1.CafRequests/SubmitCafRequest', body);
      location.hash = '#/caf-demande/' + encodeURIComponent(r.id);
      say('Demande ' + r.id + ' déposée auprès de la commune ' + r.commune + '.', 'ok');
    } catch (e) { fail(e); }
  });
  setView('Nouvelle demande de la Caf à une commune', open.length ? form : h('p', {}, 'Aucune convention active : aucune commune ne peut être sollicitée.'));
}

async function viewCafRequests() {
  const p = listParams();
  const list = await api('ctg.v1.CafRequests/ListCafRequests', {
    state: p.state || undefined, commune: p.commune || undefined, pageSize: p.size, pageToken: p.tokens[p.tokens.length - 1] || undefined });
  const requests = list.requests || [];
  const { form, pager } = listControls('caf-demandes', p, list, S.session.role !== 'commune-reviewer');
  setView(S.session.role === 'commune-reviewer' ? 'Demandes de la Caf à la commune' : 'Demandes de la Caf aux communes', form,
    table('Demandes de la Caf, page ' + (p.tokens.length + 1) + ' (' + requests.length + ' ; les plus récentes d\'abord ; dates en ' + S.session.timeZone + ')',
      ['Demande', 'État', 'Commune', 'Déposée le', 'Âge (jours)', 'Données déposées', 'Finalité'],
      requests.map((r) => h('tr', {},
        h('td', {}, h('a', { href: '#/caf-demande/' + encodeURIComponent(r.id) }, r.id)),
        h('td', {}, stateBadge(r.state)), h('td', {}, r.commune),
        h('td', {}, fmtDate(r.createTime)), h('td', { class: 'num' }, ageDays(r.createTime)),
        h('td', {}, r.upload ? 'oui, ' + r.upload.sizeBytes + ' octets' : 'non'), h('td', {}, r.purpose)))),
    emptyPage(requests, p),
    pager);
}

function templateText(t) {
  if (!t || !(t.columns || []).length) return 'aucun (fichier CSV libre)';
  return 'colonnes ' + t.columns.join(', ') + ((t.territories || []).length ? ' ; territoires ' + t.territories.join(', ') : '') +
    ((t.periods || []).length ? ' ; périodes ' + t.periods.join(', ') : '');
}

// Opinions with their authors (four-eyes visible) and the history: the
// same for both directions.
function studySections(r, asker) {
  const out = [];
  if ((r.questions || []).length) {
    out.push(h('h2', {}, 'Questions ' + asker), h('ol', { class: 'questions' }, r.questions.map((q) => h('li', {}, q))));
  }
  out.push(h('h2', {}, 'Avis (double regard)'),
    table('Avis enregistrés : chaque avis porte son auteur', ['Aspect', 'Avis', 'Par', 'Version', 'Le', 'Motivation'],
      (r.opinions || []).map((o) => h('tr', {}, h('td', {}, o.aspect === 'OPPORTUNITY' ? 'Opportunité' : 'Faisabilité'),
        h('td', {}, OPINION_FR[o.opinion.opinion]), h('td', {}, o.opinion.reviewer), h('td', { class: 'num' }, o.version),
        h('td', {}, fmtDate(o.time)), h('td', {}, o.opinion.reasoning)))));
  const reviewers = new Set((r.opinions || []).map((o) => o.opinion.reviewer));
  if ((r.opinions || []).length) {
    out.push(h('p', { class: 'note' }, reviewers.size >= 2 ? 'Double regard : avis de ' + reviewers.size + ' agents différents.' : 'Avis d\'un seul agent à ce jour.'));
  }
  if (r.decisionReasons) out.push(h('p', {}, 'Motifs de la décision : ', r.decisionReasons));
  return out;
}
function historySection(r) {
  return [h('h2', {}, 'Historique'),
    table('Historique (dates en ' + S.session.timeZone + ')', ['Le', 'De', 'Vers', 'Par', 'Motif'],
      (r.history || []).map((t) => h('tr', {}, h('td', {}, fmtDate(t.time)), h('td', {}, STATE_FR[t.fromState] || '—'),
        h('td', {}, STATE_FR[t.toState] || t.toState), h('td', {}, t.actor), h('td', {}, t.reason || ''))))];
}

function cafRequestDetails(r) {
  const out = [
    h('p', {}, 'État : ', stateBadge(r.state), ' — commune ', r.commune, ', convention ', r.conventionId),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Finalité'), h('dd', {}, r.purpose),
      h('dt', {}, 'Objectif'), h('dd', {}, r.objective),
      h('dt', {}, 'Données demandées'), h('dd', {}, r.description),
      h('dt', {}, 'Modèle de tableau'), h('dd', { id: 'template' }, templateText(r.dataTemplate)),
      h('dt', {}, 'Demandeur'), h('dd', {}, r.requester),
      h('dt', {}, 'Destinataires à la Caf'), h('dd', {}, (r.recipients || []).map((x) => x.name).join(' ; ') || '—'),
      h('dt', {}, 'Conservation'), h('dd', {}, r.retentionMonths + ' mois')),
    studySections(r, 'de la commune'),
  ];
  if (r.approval && r.state === 'APPROVED') {
    out.push(h('p', {}, 'Approbation : jusqu\'au ', fmtDate(r.approval.endTime), ', téléchargements ', r.approval.downloadsUsed || 0, ' / ', r.approval.downloadQuota || 1));
  }
  if (r.upload) {
    out.push(h('h2', {}, 'Données déposées par la commune'), h('dl', { class: 'kv', id: 'upload' },
      h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, r.upload.sha256)),
      h('dt', {}, 'Taille'), h('dd', {}, r.upload.sizeBytes + ' octets, ' + r.upload.rows + ' lignes de données'),
      h('dt', {}, 'Déposées par'), h('dd', {}, r.upload.uploader + ', le ' + fmtDate(r.upload.uploadTime)),
      h('dt', {}, 'Attestation'), h('dd', {}, r.upload.noPersonalData ? 'la commune atteste que le fichier ne contient aucune donnée personnelle' : '—')));
  }
  out.push(h('h2', {}, 'Versions'),
    table('Versions de la demande', ['Version', 'Auteur', 'Le', 'Réponse', 'Description', 'Modèle'],
      (r.versions || []).map((v) => h('tr', {}, h('td', { class: 'num' }, v.version), h('td', {}, v.author), h('td', {}, fmtDate(v.createTime)),
        h('td', {}, v.answer || '—'), h('td', {}, v.description), h('td', {}, templateText(v.dataTemplate))))),
    historySection(r));
  return out;
}

async function viewCafRequest(id) {
  const r = await api('ctg.v1.CafRequests/GetCafRequest', { id });
  const role = S.session.role;
  const reload = async (msg) => { await viewCafRequest(id); say(msg, 'ok'); };
  const actions = [];
  const pending = ['SUBMITTED', 'UNDER_STUDY', 'INFO_REQUESTED'].includes(r.state);
  if (role === 'caf-requester') {
    if (r.state === 'INFO_REQUESTED') {
      actions.push(actionForm('Répondre aux questions de la commune', [
        field('Réponse', h('textarea', { name: 'answer', rows: 3, required: true })),
        field('Description des données (peut être précisée)', h('textarea', { name: 'description', rows: 2 }, r.description || '')),
      ], 'Envoyer la réponse', async (f) => {
        await api('ctg.v1.CafRequests/AmendCafRequest', { id, answer: f.answer.value, description: f.description.value });
        await reload('Réponse envoyée.');
      }));
    }
    if (pending) {
      actions.push(actionForm('Retirer la demande', [field('Motif', h('input', { name: 'reason', type: 'text' }))], 'Retirer', async (f) => {
        await api('ctg.v1.CafRequests/WithdrawCafRequest', { id, reason: f.reason.value });
        await reload('Demande retirée.');
      }));
    }
    if (r.state === 'APPROVED') {
      actions.push(h('div', { class: 'action' }, h('h3', {}, 'Données de la commune'),
        r.upload ? h('button', { type: 'button', id: 'caf-download', onclick: () => downloadCafData(id).catch(fail) }, 'Télécharger les données et vérifier le reçu')
          : h('p', {}, 'La commune n\'a pas encore déposé ses données.'),
        h('div', { id: 'caf-data' })));
    }
  }
  if (role === 'commune-reviewer') {
    if (r.state === 'SUBMITTED') {
      actions.push(h('div', { class: 'action' }, h('button', { type: 'button', id: 'caf-start', onclick: async () => {
        try { await api('ctg.v1.CafRequests/StartCafRequestStudy', { id }); await reload('Étude commencée.'); } catch (e) { fail(e); }
      } }, "Commencer l'étude")));
    }
    if (r.state === 'UNDER_STUDY') {
      actions.push(actionForm('Poser des questions à la Caf', [
        field('Questions (une par ligne)', h('textarea', { name: 'questions', rows: 3, required: true })),
      ], 'Envoyer les questions', async (f) => {
        await api('ctg.v1.CafRequests/RequestCafRequestInformation', { id, questions: f.questions.value.split('\n').map((q) => q.trim()).filter(Boolean) });
        await reload('Questions envoyées.');
      }));
      actions.push(decisionForm(r, reload, 'ctg.v1.CafRequests/DecideCafRequest'));
    }
    if (r.state === 'APPROVED' && !r.upload) actions.push(uploadForm(r, reload));
    if (r.state === 'APPROVED') {
      actions.push(actionForm("Révoquer l'approbation", [field('Motif', h('input', { name: 'reason', type: 'text', required: true }))], 'Révoquer', async (f) => {
        if (!confirm('Révoquer l\'approbation de ' + id + ' ? La Caf ne pourra plus télécharger les données.')) return;
        await api('ctg.v1.CafRequests/RevokeCafRequest', { id, reason: f.reason.value });
        await reload('Approbation révoquée.');
      }));
    }
  }
  setView('Demande de la Caf ' + r.id, cafRequestDetails(r), actions.length ? h('section', { 'aria-label': 'Actions' }, h('h2', {}, 'Actions'), actions) : []);
}

function bytesToB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// The commune's upload: the file's SHA-256 is computed here and sent in the
// header, so the gateway refuses bytes that changed on the way.
function uploadForm(r, reload) {
  const form = actionForm('Déposer les données demandées', [
    h('p', { class: 'help' }, 'Modèle approuvé : ' + templateText(r.dataTemplate) + '. Un fichier CSV en UTF-8. Les données de la commune ne relèvent pas du secret statistique de la Caf : la passerelle vérifie l\'attestation, le modèle, la taille et le type.'),
    field('Fichier CSV', h('input', { name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
    h('div', { class: 'check' }, h('input', { type: 'checkbox', name: 'attest', id: 'attest', required: true }),
      h('label', { for: 'attest' }, 'J\'atteste que ce fichier ne contient aucune donnée personnelle (seulement des agrégats).')),
  ], 'Déposer', async (f) => {
    const file = f.file.files[0];
    if (!file) { say('Choisissez un fichier.', 'error'); return; }
    if (!f.attest.checked) { say('Cochez l\'attestation : le fichier ne doit contenir aucune donnée personnelle.', 'error'); return; }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const digest = hex(await sha256(bytes));
    const chunks = [{ header: { requestId: r.id, sha256: digest, noPersonalData: true } }];
    for (let o = 0; o < bytes.length; o += 1 << 20) chunks.push({ data: bytesToB64(bytes.subarray(o, o + (1 << 20))) });
    const up = await api('ctg.v1.CafRequests/UploadCafRequestData', chunks);
    await reload('Données déposées : ' + up.sizeBytes + ' octets, ' + up.rows + ' lignes, SHA-256 ' + up.sha256 + ' (événement d\'audit n° ' + up.receipt.auditSequence + ').');
  });
  form.id = 'upload-form';
  return form;
}

async function downloadCafData(id) {
  const chunks = await api('ctg.v1.CafRequests/GetCafRequestData', { requestId: id });
  const upload = chunks.find((c) => c.upload).upload;
  const receipt = chunks.find((c) => c.receipt).receipt;
  const bytes = concat(...chunks.filter((c) => c.data).map((c) => b64ToBytes(c.data)));
  const digest = hex(await sha256(bytes));
  const fileMatches = digest === upload.sha256;
  const rc = await checkReceipt(receipt, upload.sha256);
  const ok = fileMatches && rc.ok;
  const blob = new Blob([bytes], { type: 'text/csv;charset=utf-8' });
  document.getElementById('caf-data').replaceChildren(
    h('dl', { class: 'kv' }, h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, digest)), h('dt', {}, 'Taille'), h('dd', {}, bytes.length + ' octets, ' + upload.rows + ' lignes de données')),
    h('a', { href: URL.createObjectURL(blob), download: id + '.csv', id: 'caf-csv-link' }, 'Enregistrer le fichier CSV'),
    h('h4', {}, 'Reçu du téléchargement'),
    verdictList([[fileMatches, 'Le fichier reçu a l\'empreinte SHA-256 du dépôt de la commune'], ...rc.verdicts('cette empreinte SHA-256')]),
    h('p', { class: ok ? 'msg ok' : 'msg error', id: 'caf-receipt-verdict' }, ok ? 'Reçu vérifié.' : 'Reçu NON vérifié.'));
}

// ------------------------------------ onward-transfer agreements (R3)

const AGREEMENT_FR = { AGREEMENT_REQUESTED: 'Demandé', AGREEMENT_APPROVED: 'Accordé', AGREEMENT_REJECTED: 'Refusé', AGREEMENT_ENDED: 'Terminé' };
function agreementBadge(s) {
  const css = { AGREEMENT_APPROVED: 'APPROVED', AGREEMENT_REJECTED: 'REJECTED', AGREEMENT_ENDED: 'REVOKED' }[s] || 'SUBMITTED';
  return h('span', { class: 'badge state-' + css }, AGREEMENT_FR[s] || s);
}

// A commune requester asks the Caf's prior agreement to pass a release it
// holds on to a named third party.
function transferForm(extractId) {
  const form = actionForm("Demander l'accord préalable de la Caf pour transmettre un extrait (R3)", [
    h('p', { class: 'help' }, 'Aucune donnée de la Caf ne peut être transmise à un tiers sans son accord préalable (article 7 et annexe 7 de la convention).'),
    field("Extrait (identifiant de la diffusion)", h('input', { name: 'extract', type: 'text', required: true, value: extractId || '', pattern: 'EXT-[0-9a-f]+' })),
    field('Tiers destinataire', h('input', { name: 'recipient', type: 'text', required: true })),
    field('Usage prévu par le tiers', h('textarea', { name: 'purpose', rows: 2, required: true })),
  ], "Demander l'accord", async (f) => {
    const a = await api('ctg.v1.TransferAgreements/RequestTransferAgreement', { extractId: f.extract.value.trim(), recipient: f.recipient.value, purpose: f.purpose.value });
    location.hash = '#/accord/' + encodeURIComponent(a.id);
    say('Accord ' + a.id + ' demandé à la Caf.', 'ok');
  });
  form.id = 'transfer-form';
  return form;
}

async function viewAgreements() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const tokens = (q.get('pages') || '').split(',').filter(Boolean);
  const state = q.get('etat') || '';
  const list = await api('ctg.v1.TransferAgreements/ListTransferAgreements', {
    state: state || undefined, pageSize: PAGE_SIZE, pageToken: tokens[tokens.length - 1] || undefined });
  const rows = list.agreements || [];
  const form = h('form', { class: 'filters' },
    field('État', h('select', { name: 'etat', id: 'agreement-filter' }, h('option', { value: '' }, 'Tous les états'),
      Object.entries(AGREEMENT_FR).map(([k, v]) => h('option', { value: k, selected: k === state }, v)))),
    h('button', { type: 'submit' }, 'Filtrer'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = '#/accords' + (form.elements.etat.value ? '?etat=' + form.elements.etat.value : ''); });
  const pq = new URLSearchParams(q);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages de la liste' },
    tokens.length ? h('a', { href: listHref('accords', pq, tokens.slice(0, -1)), id: 'prev-page' }, '← Page précédente') : null, ' ',
    list.nextPageToken ? h('a', { href: listHref('accords', pq, [...tokens, list.nextPageToken]), id: 'next-page' }, 'Page suivante →') : null);
  setView('Accords de transmission à un tiers (R3)', form,
    table('Accords (les plus récents d\'abord ; dates en ' + S.session.timeZone + ')', ['Accord', 'État', 'Commune', 'Extrait', 'Demande', 'Tiers', 'Demandé le'],
      rows.map((a) => h('tr', {}, h('td', {}, h('a', { href: '#/accord/' + encodeURIComponent(a.id) }, a.id)), h('td', {}, agreementBadge(a.state)),
        h('td', {}, a.commune), h('td', {}, h('code', {}, a.extractId)), h('td', {}, a.requestId), h('td', {}, a.recipient), h('td', {}, fmtDate(a.createTime))))),
    rows.length ? null : h('p', {}, 'Aucun accord.'),
    pager,
    S.session.role === 'requester' ? transferForm('') : null);
}

async function viewAgreement(id, decided) {
  const a = decided || await api('ctg.v1.TransferAgreements/GetTransferAgreement', { id });
  const details = [
    h('p', {}, 'État : ', agreementBadge(a.state), a.endReason ? ' — ' + a.endReason : ''),
    h('dl', { class: 'kv' },
      h('dt', {}, 'Extrait'), h('dd', {}, h('code', {}, a.extractId), ' (SHA-256 ', h('code', {}, a.extractSha256), ')'),
      h('dt', {}, 'Demande'), h('dd', {}, a.requestId + ' — commune ' + a.commune + ', convention ' + a.conventionId),
      h('dt', {}, 'Tiers destinataire'), h('dd', {}, a.recipient),
      h('dt', {}, 'Usage prévu'), h('dd', {}, a.purpose),
      h('dt', {}, 'Demandé par'), h('dd', {}, a.requester + ', le ' + fmtDate(a.createTime)),
      h('dt', {}, 'Décision'), h('dd', {}, a.reviewer ? a.reviewer + ', le ' + fmtDate(a.decideTime) + ' : ' + a.decisionReasons : '—'),
      h('dt', {}, 'Événement de la décision'), h('dd', {}, a.decisionAuditSequence && a.decisionAuditSequence !== '0' ? 'n° ' + a.decisionAuditSequence : '—')),
  ];
  const actions = [];
  if (S.session.role === 'reviewer' && a.state === 'AGREEMENT_REQUESTED') {
    actions.push(actionForm("Décider de l'accord", [
      field('Décision', h('select', { name: 'decision', required: true }, h('option', { value: 'APPROVE' }, 'Accorder'), h('option', { value: 'REJECT' }, 'Refuser'))),
      field('Motifs (obligatoires)', h('textarea', { name: 'reasons', rows: 2, required: true })),
    ], 'Enregistrer la décision', async (f) => {
      const out = await api('ctg.v1.TransferAgreements/DecideTransferAgreement', { id, decision: f.decision.value, reasons: f.reasons.value });
      await viewAgreement(id, out);
      say('Décision enregistrée : ' + (AGREEMENT_FR[out.state] || out.state) + '.', 'ok');
    }));
  }
  const receipt = [];
  if (a.decisionReceipt && a.decisionReceipt.event) {
    // The decision's receipt, in the answer of DecideTransferAgreement.
    const rc = await checkReceipt(a.decisionReceipt, a.id);
    receipt.push(h('h2', {}, 'Reçu de la décision'), verdictList(rc.verdicts("l'accord " + a.id)),
      h('p', { class: rc.ok ? 'msg ok' : 'msg error', id: 'agreement-receipt-verdict' }, rc.ok ? 'Reçu vérifié.' : 'Reçu NON vérifié.'));
  }
  setView('Accord ' + a.id, details, receipt, actions.length ? h('section', { 'aria-label': 'Actions' }, h('h2', {}, 'Actions'), actions) : []);
}

// ---------------------------------------------------------------- admin

async function viewConventions() {
  const list = await api('ctg.v1.Conventions/ListConventions', { pageSize: 500 });
  const rows = (list.conventions || []).map((c) => h('tr', {},
    h('td', {}, c.id), h('td', {}, c.communeName + ' (' + c.commune + ')'), h('td', {}, CONV_FR[c.state] || c.state),
    h('td', {}, c.validFrom + ' → ' + c.validUntil), h('td', {}, (c.perimeter || []).join(', ')),
    h('td', {}, conventionActions(c))));
  const today = new Date().toISOString().slice(0, 10);
  const create = actionForm('Créer une convention', [
    field('Commune (code INSEE)', h('input', { name: 'commune', type: 'text', required: true, pattern: '[0-9AB]{5}' })),
    field('Nom de la commune', h('input', { name: 'name', type: 'text', required: true })),
    field('Périmètre (codes séparés par des virgules ; vide : la commune)', h('input', { name: 'perimeter', type: 'text' })),
    field('Valide à partir du', h('input', { name: 'from', type: 'date', value: today })),
    field("Valide jusqu'au", h('input', { name: 'until', type: 'date', value: (Number(today.slice(0, 4)) + 3) + today.slice(4) })),
  ], 'Créer', async (f) => {
    const perimeter = f.perimeter.value.split(',').map((x) => x.trim()).filter(Boolean);
    const c = await api('ctg.v1.Conventions/CreateConvention', { convention: {
      commune: f.commune.value.trim(), communeName: f.name.value.trim(), perimeter: perimeter.length ? perimeter : [f.commune.value.trim()],
      validFrom: f.from.value, validUntil: f.until.value } });
    await viewConventions();
    say('Convention ' + c.id + ' créée.', 'ok');
  });
  setView('Conventions', table('Conventions', ['Identifiant', 'Commune', 'État', 'Validité', 'Périmètre', 'Actions'], rows), create, h('div', { id: 'confirm' }));
}

function conventionActions(c) {
  const buttons = [];
  const act = (label, fn) => buttons.push(h('button', { type: 'button', class: 'small', onclick: () => fn().catch(fail) }, label));
  if (c.state === 'ACTIVE' || c.state === 'NOT_YET_VALID') act('Suspendre', () => confirmConvention(c, 'suspend'));
  if (c.state === 'SUSPENDED') act('Rétablir', () => confirmConvention(c, 'reinstate'));
  if (c.state !== 'ENDED' && c.state !== 'TERMINATION_NOTIFIED') act('Résilier', () => confirmConvention(c, 'terminate'));
  return buttons;
}

// Shows what the action ends before confirming it. (An administrator may
// not read requests: what ends is said of the convention as a whole.)
function addMonths(day, n) {
  const d = new Date(day + 'T12:00:00Z');
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}
async function confirmConvention(c, action) {
  const what = { suspend: 'Suspendre', reinstate: 'Rétablir', terminate: 'Résilier' }[action];
  const today = new Date().toISOString().slice(0, 10);
  const fields = [field('Motif', h('input', { name: 'reason', type: 'text', required: true }))];
  if (action === 'terminate') {
    fields.push(field('Date de notification', h('input', { name: 'notice', type: 'date', value: today })),
      field("Date d'effet (vide : préavis de trois mois)", h('input', { name: 'effective', type: 'date' })));
  }
  const box = h('section', { class: 'confirm', 'aria-labelledby': 'confirm-title' },
    h('h2', { id: 'confirm-title' }, what + ' la convention ' + c.id + ' ?'),
    h('dl', { class: 'kv' }, h('dt', {}, 'Commune'), h('dd', {}, c.communeName + ' (' + c.commune + ')'),
      h('dt', {}, 'Périmètre'), h('dd', {}, (c.perimeter || []).join(', ')),
      h('dt', {}, 'Validité'), h('dd', {}, c.validFrom + ' → ' + c.validUntil)),
    action === 'reinstate' ? h('p', {}, 'Les accès de la commune au titre de cette convention reprendront.') :
      action === 'suspend' ? h('p', { id: 'ends' }, 'Ce qui s\'arrête aussitôt (R10) : tout accès de la commune au titre de ' + c.id +
        ' — dépôt et instruction de ses demandes, téléchargement de ses extraits approuvés — jusqu\'au rétablissement.') :
        h('p', { id: 'ends' }, 'Ce qui prendra fin à la date d\'effet (par défaut, préavis de trois mois : le ' + addMonths(today, 3) +
          ') : la convention ' + c.id + ', toutes les demandes de la commune à son titre et les approbations en cours, avec leurs téléchargements.'),
    actionForm('Confirmation', fields, 'Confirmer : ' + what.toLowerCase(), async (f) => {
      const method = { suspend: 'SuspendConvention', reinstate: 'ReinstateConvention', terminate: 'TerminateConvention' }[action];
      const body = { id: c.id, reason: f.reason.value };
      if (action === 'terminate') { body.noticeDate = f.notice.value; if (f.effective.value) body.effectiveDate = f.effective.value; }
      const out = await api('ctg.v1.Conventions/' + method, body);
      await viewConventions();
      say('Convention ' + out.id + ' : ' + (CONV_FR[out.state] || out.state) + (out.terminationEffectiveDate ? ', effet le ' + out.terminationEffectiveDate : '') + '.', 'ok');
    }));
  document.getElementById('confirm').replaceChildren(box);
  box.querySelector('input').focus();
}

function viewImport() {
  const progress = h('progress', { max: 100, value: 0, id: 'import-progress', 'aria-label': "Progression de l'import" });
  const form = actionForm('Importer une base statistique (CSV)', [
    field('Période (AAAA ou AAAA-MM)', h('input', { name: 'period', type: 'text', required: true, pattern: '[0-9]{4}(-[0-9]{2})?' })),
    field('Fichier CSV', h('input', { name: 'file', type: 'file', accept: '.csv,text/csv', required: true })),
  ], 'Importer', async (f) => {
    const file = f.file.files[0];
    if (!file) { say('Choisissez un fichier.', 'error'); return; }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const chunks = [{ header: { period: f.period.value, fileName: file.name } }];
    const step = 1 << 20;
    for (let o = 0; o < bytes.length; o += step) {
      let s = '';
      const part = bytes.subarray(o, o + step);
      for (let i = 0; i < part.length; i += 0x8000) s += String.fromCharCode(...part.subarray(i, i + 0x8000));
      chunks.push({ csvData: btoa(s) });
      progress.value = Math.round(50 * (o + part.length) / bytes.length);
    }
    say('Envoi et validation de ' + bytes.length + ' octets…', 'info');
    document.getElementById('import-result').replaceChildren();
    try {
      const r = await api('ctg.v1.Statistics/ImportStatistics', chunks);
      progress.value = 100;
      say('Période ' + r.period + ' importée : ' + r.rowsImported + ' lignes, version ' + r.baseVersion + (r.replaced ? ' (remplace la précédente)' : '') + '.', 'ok');
      if ((r.warnings || []).length) document.getElementById('import-result').replaceChildren(h('h2', {}, 'Avertissements'), h('ul', {}, r.warnings.map((w) => h('li', {}, w))));
    } catch (e) {
      progress.value = 0;
      fail(e);
      const errors = (e.message || '').split(/;\s+|\n/).filter((x) => /line|ligne/i.test(x));
      if (errors.length) {
        document.getElementById('import-result').replaceChildren(table("Erreurs de validation (rien n'a été importé)", ['Ligne', 'Erreur'],
          errors.map((x) => { const m = x.match(/line (\d+)/i); return h('tr', {}, h('td', { class: 'num' }, m ? m[1] : '—'), h('td', {}, x)); })));
      }
    }
  });
  setView('Import de la base statistique', form, progress, h('div', { id: 'import-result' }));
}

// ---------------------------------------------------------------- auditor

const PAGE = 50;

async function viewAudit() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const form = h('form', { class: 'filters' },
    field('Appelant (SPIFFE ID)', h('input', { name: 'caller', type: 'text', value: params.get('caller') || '' })),
    field('Organisation', h('input', { name: 'organisation', type: 'text', placeholder: 'commune/33069', value: params.get('organisation') || '' })),
    field('Méthode', h('input', { name: 'method', type: 'text', placeholder: '/ctg.v1.DataRequests/SubmitRequest', value: params.get('method') || '' })),
    field('Demande', h('input', { name: 'requestId', type: 'text', value: params.get('requestId') || '' })),
    field('Issue', h('select', { name: 'outcome' }, h('option', { value: '' }, 'Toutes'),
      h('option', { value: 'ALLOWED', selected: params.get('outcome') === 'ALLOWED' }, 'Autorisées'),
      h('option', { value: 'DENIED', selected: params.get('outcome') === 'DENIED' }, 'Refusées'))),
    field('À partir du n°', h('input', { name: 'from', type: 'number', min: 0, value: params.get('from') || '0' })),
    h('button', { type: 'submit' }, 'Rechercher'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const k of ['caller', 'organisation', 'method', 'requestId', 'outcome', 'from']) if (form.elements[k].value) q.set(k, form.elements[k].value);
    location.hash = '#/audit?' + q.toString();
  });
  const digest = actionForm("Vérifier la diffusion d'un extrait", [field('SHA-256 de l\'extrait', h('input', { name: 'sha', type: 'text', pattern: '[0-9a-f]{64}' }))],
    'Vérifier', async (f) => verifyInclusion({ extractSha256: f.sha.value.trim() }));
  const from = Number(params.get('from') || 0);
  const events = await api('ctg.v1.Audit/ListEvents', {
    caller: params.get('caller') || undefined, organisation: params.get('organisation') || undefined,
    method: params.get('method') || undefined, requestId: params.get('requestId') || undefined,
    outcome: params.get('outcome') || undefined, fromSequence: from, limit: PAGE });
  const next = events.length ? Number(events[events.length - 1].sequence) + 1 : from;
  const pager = h('nav', { 'aria-label': 'Pages' },
    from > 0 ? h('a', { href: '#/audit?' + withParam(params, 'from', Math.max(0, from - PAGE)) }, '← Précédents') : null, ' ',
    events.length === PAGE ? h('a', { href: '#/audit?' + withParam(params, 'from', next), id: 'next-page' }, 'Suivants →') : null);
  setView("Journal d'audit", form, digest, h('div', { id: 'proof' }),
    table('Événements (' + events.length + ' ; dates en ' + S.session.timeZone + ')', ['N°', 'Le', 'Appelant', 'Méthode', 'Cible', 'Issue', 'Preuve'],
      events.map((e) => h('tr', {}, h('td', { class: 'num' }, e.sequence), h('td', {}, fmtDate(e.time)),
        h('td', {}, e.caller || ('refusé : ' + (e.claimedCaller || 'sans identité'))), h('td', {}, e.method),
        h('td', {}, e.targetKind ? e.targetKind + ' ' + e.targetId : ''), h('td', { class: e.code === 0 ? '' : 'denied' }, e.code === 0 ? 'OK' : 'code ' + e.code + ' : ' + e.message),
        h('td', {}, h('button', { type: 'button', class: 'small', 'aria-label': 'Vérifier l\'événement ' + e.sequence, onclick: () => verifyInclusion({ sequence: e.sequence }).catch(fail) }, 'Vérifier'))))),
    pager);
}
function withParam(params, k, v) { const q = new URLSearchParams(params); q.set(k, v); return q.toString(); }

// The canonical bytes of an event (docs/audit-log-format.md §2).
function canonicalEvent(e) {
  const enc = new TextEncoder();
  const parts = [];
  const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
  const str = (s) => { const b = enc.encode(s || ''); return concat(u32(b.length), b); };
  const head = new Uint8Array(17);
  const dv = new DataView(head.buffer);
  head[0] = 1;
  dv.setBigUint64(1, BigInt(e.sequence));
  const m = e.time.match(/^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/);
  const micros = BigInt(Date.parse(m[1] + 'Z')) * 1000n + BigInt(((m[2] || '') + '000000').slice(0, 6));
  dv.setBigInt64(9, micros);
  parts.push(head);
  for (const f of ['caller', 'certSha256', 'peer', 'method', 'targetKind', 'targetId']) parts.push(str(e[f]));
  const code = new Uint8Array(4); new DataView(code.buffer).setInt32(0, e.code || 0); parts.push(code, str(e.message));
  const facts = (e.facts || []).slice().sort((a, b) => { const x = enc.encode(a.key), y = enc.encode(b.key); for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]; return x.length - y.length; });
  parts.push(u32(facts.length));
  for (const f of facts) parts.push(str(f.key), str(f.value));
  return concat(...parts);
}

async function verifyInclusion(target) {
  const p = await api('ctg.v1.Audit/GetInclusionProof', target);
  const cp = await openCheckpoint(p.checkpoint.note);
  const leaf = await sha256(concat([0], canonicalEvent(p.event)));
  const leafMatches = eq(leaf, b64ToBytes(p.leafHash));
  let included = false;
  try {
    const root = await rootFromProof(leaf, BigInt(p.leafIndex), BigInt(p.treeSize), (p.hashes || []).map(b64ToBytes));
    included = eq(root, cp.root) && cp.size === BigInt(p.treeSize);
  } catch (e) { included = false; }
  const ok = leafMatches && included && cp.signature !== false;
  document.getElementById('proof').replaceChildren(h('section', { class: 'proof', 'aria-labelledby': 'proof-title' },
    h('h2', { id: 'proof-title' }, 'Preuve d\'inclusion de l\'événement ' + p.sequence),
    h('p', {}, p.event.method, ' — ', p.event.caller || p.event.claimedCaller, ' — ', fmtDate(p.event.time)),
    verdictList([
      [leafMatches, 'Le hachage de la feuille, recalculé en SHA-256 depuis l\'événement, est celui enregistré'],
      [included, 'Le chemin de ' + (p.hashes || []).length + ' hachages mène à la racine du point de contrôle (taille ' + p.treeSize + ')'],
      [cp.signature, 'Signature Ed25519 du point de contrôle (' + cp.origin + ', clé ' + cp.keyName + ')' + (cp.signature === null ? ' — ce navigateur ne sait pas vérifier Ed25519' : '')],
    ]),
    h('p', { class: ok ? 'msg ok' : 'msg error', id: 'proof-verdict' }, ok ? 'Preuve vérifiée dans le navigateur.' : 'Preuve NON vérifiée.'),
    h('p', { class: 'help' }, 'Clé de vérification annoncée par la passerelle : ', h('code', {}, S.session.auditVerifierKey), ' — comparez-la à celle que vous détenez.')));
  document.getElementById('proof').focus && document.getElementById('proof').scrollIntoView();
}

// Chart.js (200 kB) is loaded by the one page that draws charts, not by
// every page: a script of this origin, as the CSP allows. Resolves to false
// if it cannot be loaded (the tables are there without it).
let chartJs = null;
function loadChartJs() {
  if (window.Chart) return Promise.resolve(true);
  chartJs = chartJs || new Promise((resolve) => {
    const script = h('script', { src: '/lib/chart.umd.min.js' });
    script.addEventListener('load', () => resolve(true));
    script.addEventListener('error', () => { chartJs = null; resolve(false); });
    document.head.append(script);
  });
  return chartJs;
}

// R13: the evaluation of the exchanges, figures computed by the gateway
// (policy::BuildEvaluationReport) and shown as tables and charts.
async function viewReport() {
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const year = new Date().getFullYear();
  const from = params.get('from') || (year + '-01-01');
  const to = params.get('to') || (year + '-12-31');
  const form = h('form', { class: 'filters' },
    field('Du', h('input', { name: 'from', type: 'date', value: from })), field('Au (inclus)', h('input', { name: 'to', type: 'date', value: to })),
    h('button', { type: 'submit' }, 'Afficher'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = '#/rapport?from=' + form.elements.from.value + '&to=' + form.elements.to.value; });
  const res = await fetch('/report/evaluation?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to), {
    method: 'POST', headers: { 'X-CSRF-Token': S.session.csrfToken }, credentials: 'same-origin' });
  const rep = await res.json();
  if (!res.ok) throw new ApiError(rep, res.status);
  const source = 'Source : ' + S.session.cafName;
  const cols = ['Déposées', 'Approuvées', 'Refusées', 'Retirées', 'En attente', 'Délai médian (jours)', 'Extraits diffusés'];
  const cells = (f) => [f.filed, f.approved, f.rejected, f.withdrawn, f.pending, f.median_days_to_decision === null ? '—' : f.median_days_to_decision.toFixed(1), f.releases].map((v) => h('td', { class: 'num' }, v));
  const rows = [];
  for (const c of rep.conventions) {
    rows.push(h('tr', { class: 'group' }, h('th', { scope: 'row' }, c.convention_id), h('td', {}, 'tous objectifs'), cells(c.figures)));
    for (const o of c.objectives) rows.push(h('tr', {}, h('th', { scope: 'row' }, ''), h('td', {}, o.objective), cells(o.figures)));
  }
  rows.push(h('tr', { class: 'total' }, h('th', { scope: 'row' }, 'Total'), h('td', {}, ''), cells(rep.total)));
  // Article 7 both ways (R1) and the onward-transfer agreements (R3).
  const hidden = (what) => (rep.not_visible || []).includes(what);
  const median = (m) => (m === null || m === undefined ? '—' : m.toFixed(1));
  const ag = rep.agreements || {};
  const others = h('figure', {},
    table('Demandes de la Caf aux communes (R1, l\'autre sens)', ['Déposées', 'Approuvées', 'Refusées', 'Retirées', 'En attente', 'Délai médian (jours)', 'Téléchargements par la Caf'],
      [hidden('caf_requests') ? h('tr', {}, h('td', { colspan: 7 }, 'Non visibles pour ce rôle.')) : h('tr', { id: 'caf-requests-row' }, cells(rep.caf_requests))], { class: 'report' }),
    table('Accords de transmission à un tiers (R3)', ['Demandés', 'Accordés', 'Refusés', 'En attente', 'Délai médian (jours)'],
      [hidden('agreements') ? h('tr', {}, h('td', { colspan: 5 }, 'Non visibles pour ce rôle.')) : h('tr', { id: 'agreements-row' },
        [ag.filed, ag.approved, ag.rejected, ag.filed - ag.approved - ag.rejected, median(ag.median_days_to_decision)].map((v) => h('td', { class: 'num' }, v)))], { class: 'report' }),
    h('figcaption', { class: 'source' }, source));
  const canvas = h('canvas', { id: 'chart-decisions', role: 'img', 'aria-label': 'Demandes par convention : déposées, approuvées, refusées, en attente. ' + source });
  const canvas2 = h('canvas', { id: 'chart-releases', role: 'img', 'aria-label': 'Extraits diffusés par convention. ' + source });
  setView('Évaluation des échanges (R13)', form,
    h('figure', {}, table('Évaluation du ' + from + ' au ' + to + ' (jours du calendrier de la Caf, ' + S.session.timeZone + ')', ['Convention', 'Objectif', ...cols], rows, { class: 'report' }),
      h('figcaption', { class: 'source' }, source)),
    others,
    h('figure', { class: 'chart' }, canvas, h('figcaption', { class: 'source' }, 'Demandes par convention. ', source)),
    h('figure', { class: 'chart' }, canvas2, h('figcaption', { class: 'source' }, 'Extraits diffusés par convention. ', source)));
  if (await loadChartJs()) {
    const labels = rep.conventions.map((c) => c.convention_id);
    const common = { responsive: true, animation: false, plugins: { subtitle: { display: true, text: source, position: 'bottom' } } };
    new window.Chart(canvas, { type: 'bar', options: { ...common, plugins: { ...common.plugins, title: { display: true, text: 'Demandes par convention' } } },
      data: { labels, datasets: [
        { label: 'Déposées', data: rep.conventions.map((c) => c.figures.filed), backgroundColor: '#1f4e8c' },
        { label: 'Approuvées', data: rep.conventions.map((c) => c.figures.approved), backgroundColor: '#2e7d32' },
        { label: 'Refusées', data: rep.conventions.map((c) => c.figures.rejected), backgroundColor: '#b3261e' },
        { label: 'En attente', data: rep.conventions.map((c) => c.figures.pending), backgroundColor: '#8a5a00' }] } });
    new window.Chart(canvas2, { type: 'bar', options: { ...common, plugins: { ...common.plugins, title: { display: true, text: 'Extraits diffusés' } } },
      data: { labels, datasets: [{ label: 'Extraits diffusés', data: rep.conventions.map((c) => c.figures.releases), backgroundColor: '#1f4e8c' }] } });
  }
}

// ------------------------------------------------------------------ start

async function start() {
  const res = await fetch('/session', { credentials: 'same-origin' });
  const json = await res.json();
  if (!res.ok) {
    document.getElementById('title').textContent = 'Certificat refusé';
    say(json.message || 'Votre certificat n\'est pas accepté.', 'error');
    return;
  }
  S.session = json;
  document.getElementById('caf').textContent = json.cafName;
  document.getElementById('who').textContent = 'Connecté : ' + json.person + ' — ' + ({ requester: 'demandeur', operator: 'opérateur', reviewer: 'instructeur', admin: 'administrateur', auditor: 'auditeur', 'caf-requester': 'demandeur de la Caf', 'commune-reviewer': 'instructeur de la commune' }[json.role] || json.role) + ' — ' + json.organisationPath;
  document.getElementById('tz').textContent = 'Dates et heures affichées dans le fuseau de la Caf : ' + json.timeZone + '.';
  window.addEventListener('hashchange', route);
  await route();
}

document.addEventListener('DOMContentLoaded', () => { start().catch(fail); });
