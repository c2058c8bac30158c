// Ferry's web admin page: plain JavaScript, no build step, no library. It talks only to the admin
// API of the same origin (/api, contract of issue 15): the session cookie is HttpOnly, so the page
// holds only the CSRF token it gets from login or /api/auth/me and sends it on every change.
// Text from the server (user names, paths, reasons) only ever goes in through textContent.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const PERMISSIONS = ['list', 'read', 'write', 'overwrite', 'delete', 'rename', 'mkdir'];
  const HISTORY_SECONDS = 300;
  const USERS_PAGE = 50;

  const state = {
    me: null,            // { name, role, csrfToken }
    live: null,          // the EventSource
    liveRetry: 1000,     // the next reconnect delay after the server closed the stream
    liveTimer: 0,
    lastSnapshot: 0,     // Date.now() of the last snapshot
    startedAt: 0,        // the server's start (ms), from /api/status: the uptime counts from it
    points: [],          // { t (ms), up, down }
    usersOffset: 0,
    editing: null,       // the user being edited, or null when creating
  };

  const isAdmin = () => state.me !== null && state.me.role === 'admin';

  // ---- API ----------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, title, detail, field) {
      super(detail ? `${title}: ${detail}` : title);
      this.status = status;
      this.field = field || null; // the API names the bad field of a 400 ("home", "quotaBytes")
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && state.me) headers['X-CSRF-Token'] = state.me.csrfToken;
    let response;
    try {
      response = await fetch(path, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, 'The server cannot be reached', String(e.message || e));
    }
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      // RFC 9457 problem details: title and detail are meant for people.
      const title = (data && data.title) || `${response.status} ${response.statusText}`;
      const error = new ApiError(response.status, title, data && data.detail, data && data.field);
      if (response.status === 401 && !path.startsWith('/api/auth/')) {
        showLogin('Your session has ended: log in again.');
      }
      throw error;
    }
    return data;
  }

  // ---- formatting ---------------------------------------------------------------------------

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = Number(n);
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
  }

  const rate = (n) => `${bytes(Math.round(n || 0))}/s`;

  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const d = Math.floor(seconds / 86400);
    const h = Math.floor((seconds % 86400) / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (d > 0) return `${d} d ${h} h`;
    if (h > 0) return `${h} h ${m} min`;
    if (m > 0) return `${m} min ${s} s`;
    return `${s} s`;
  }

  const since = (iso, now) => (iso ? duration((now - Date.parse(iso)) / 1000) : '–');
  const localTime = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

  // ---- small DOM helpers --------------------------------------------------------------------

  function cell(row, label, text) {
    const td = document.createElement('td');
    td.dataset.label = label;
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function button(text, label, onClick, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    if (className) b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  // The message in the form's alert; the field the API named is marked invalid and focused.
  function showError(el, error, fields) {
    el.textContent = error instanceof Error ? error.message : String(error);
    el.hidden = false;
    const input = fields && error && error.field ? $(fields[error.field] || '') : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', el.id);
      input.focus();
    }
  }

  function clearInvalid(form) {
    for (const input of form.querySelectorAll('[aria-invalid]')) {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }

  const USER_FIELDS = {
    name: 'user-name', home: 'user-home', storage: 'user-storage', password: 'user-password', permissions: 'user-permissions',
    quotaBytes: 'user-quota-bytes', quotaFiles: 'user-quota-files',
    downloadRateLimit: 'user-download-rate', uploadRateLimit: 'user-upload-rate',
  };
  const BAN_FIELDS = { address: 'ban-address', durationSeconds: 'ban-duration', reason: 'ban-reason' };

  function notice(text) {
    const el = $('notice');
    el.textContent = text || '';
    el.hidden = !text;
  }

  // A modal question; resolves true only for "Yes" (Escape and Cancel say no).
  function confirmAction(text, yes) {
    const dialog = $('confirm-dialog');
    $('confirm-text').textContent = text;
    $('confirm-yes').textContent = yes;
    dialog.returnValue = '';
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
      dialog.showModal();
      $('confirm-no').focus();
    });
  }

  function showSecret(text, value) {
    $('secret-text').textContent = text;
    $('secret-value').textContent = value;
    $('secret-dialog').showModal();
  }

  // ---- login --------------------------------------------------------------------------------

  function showLogin(message) {
    stopLive();
    state.me = null;
    // Nothing of the previous login stays: its rows carry buttons its role allowed.
    for (const id of ['sessions-body', 'transfers-body', 'users-body', 'bans-body']) $(id).replaceChildren();
    state.usersOffset = 0;
    for (const id of ['dashboard-view', 'users-view', 'bans-view', 'nav', 'whoami']) $(id).hidden = true;
    notice('');
    $('login-view').hidden = false;
    const error = $('login-error');
    error.hidden = !message;
    error.textContent = message || '';
    $('login-name').focus();
  }

  function signedIn(me) {
    state.me = me;
    document.body.classList.toggle('readonly', !isAdmin());
    for (const el of document.querySelectorAll('.admin-only')) el.hidden = !isAdmin();
    $('login-view').hidden = true;
    $('nav').hidden = false;
    $('whoami').hidden = false;
    $('whoami-name').textContent = me.name;
    $('whoami-role').textContent = me.role === 'admin' ? 'admin' : 'read-only';
    route();
  }

  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('login-error');
    error.hidden = true;
    const name = $('login-name').value.trim();
    const password = $('login-password').value;
    if (!name || !password) {
      showError(error, 'Enter the admin name and the password.');
      return;
    }
    $('login-submit').disabled = true;
    try {
      const me = await api('POST', '/api/auth/login', { name, password });
      $('login-password').value = '';
      signedIn(me);
    } catch (e) {
      showError(error, e.status === 401 ? `Wrong name or password (${e.message})` : e);
      $('login-password').select();
    } finally {
      $('login-submit').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    try { await api('POST', '/api/auth/logout'); } catch { /* the session may be gone already */ }
    showLogin('');
  });

  // ---- views --------------------------------------------------------------------------------

  const VIEWS = { dashboard: showDashboard, users: showUsers, bans: showBans };

  function route() {
    if (!state.me) return;
    const name = location.hash.replace('#', '') in VIEWS ? location.hash.replace('#', '') : 'dashboard';
    for (const view of Object.keys(VIEWS)) {
      $(`${view}-view`).hidden = view !== name;
      const link = $(`nav-${view}`);
      if (view === name) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
    }
    notice('');
    if (name !== 'dashboard') stopLive();
    VIEWS[name]();
  }

  window.addEventListener('hashchange', route);

  // ---- dashboard ----------------------------------------------------------------------------

  async function showDashboard() {
    startLive();
    try {
      const [status, history] = await Promise.all([api('GET', '/api/status'), api('GET', '/api/throughput')]);
      renderStatus(status);
      const known = new Set(state.points.map((p) => p.t));
      for (const p of (history && history.points) || []) {
        const t = Date.parse(p.time);
        if (!known.has(t)) state.points.push({ t, up: p.uploadBytesPerSecond || 0, down: p.downloadBytesPerSecond || 0 });
      }
      state.points.sort((a, b) => a.t - b.t);
      drawChart();
    } catch (e) {
      if (e.status !== 401) notice(e.message);
    }
  }

  function renderStatus(status) {
    setText($('stat-version'), status.version || '–');
    state.startedAt = status.startedAt ? Date.parse(status.startedAt) : Date.now() - (status.uptimeSeconds || 0) * 1000;
    setText($('stat-uptime'), duration(status.uptimeSeconds || 0));
    setText($('stat-bans'), String(status.bans ?? '–'));
    const cert = status.certificate;
    setText($('stat-certificate'), cert ? `${cert.daysLeft} days left` : 'none');
    if (cert) $('stat-certificate').title = `${cert.subject}, until ${localTime(cert.notAfter)}`;
    setText($('listeners'), (status.listeners || []).map((l) => `${l.kind} ${l.endpoint}`).join(' · '));
  }

  function startLive() {
    if (state.live || !state.me) return;
    clearTimeout(state.liveTimer);
    const source = new EventSource('/api/live');
    state.live = source;
    setLiveState('Connecting…', 'wait');
    source.addEventListener('open', () => { state.liveRetry = 1000; });
    source.addEventListener('snapshot', (event) => {
      state.lastSnapshot = Date.now();
      setLiveState('Live', 'ok');
      let snapshot;
      try { snapshot = JSON.parse(event.data); } catch { return; }
      renderSnapshot(snapshot);
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CONNECTING) {
        // The browser reconnects by itself (the stream ended or the network blinked).
        setLiveState('Reconnecting…', 'wait');
        return;
      }
      // Closed for good (an HTTP error such as 401, or the server is down): try again later,
      // backing off to 30 s, after checking we are still logged in.
      stopLive();
      setLiveState('Disconnected, retrying…', 'bad');
      state.liveTimer = setTimeout(async () => {
        try {
          await api('GET', '/api/auth/me');
          if (!$('dashboard-view').hidden) startLive();
        } catch (e) {
          if (e.status === 401) {
            // Admin sessions live in the server's memory: a restarted server asks for a new login.
            showLogin('Your session has ended (the server restarted or you were signed out): log in again.');
          } else if (!$('dashboard-view').hidden) {
            state.liveRetry = Math.min(state.liveRetry * 2, 30000);
            state.liveTimer = setTimeout(startLive, state.liveRetry);
          }
        }
      }, state.liveRetry);
    });
  }

  function stopLive() {
    clearTimeout(state.liveTimer);
    if (state.live) {
      state.live.close();
      state.live = null;
    }
  }

  // A stream that is open but silent (a proxy holding it, a suspended laptop) is restarted.
  setInterval(() => {
    if (state.live && state.lastSnapshot && Date.now() - state.lastSnapshot > 10000) {
      stopLive();
      setLiveState('Reconnecting…', 'wait');
      state.lastSnapshot = 0;
      startLive();
    }
  }, 5000);

  function setLiveState(text, kind) {
    const el = $('live-state');
    setText(el, text);
    el.dataset.state = kind;
  }

  function renderSnapshot(snapshot) {
    const now = Date.parse(snapshot.time) || Date.now();
    const sessions = snapshot.sessions || [];
    const transfers = sessions.filter((s) => s.transfer);
    const sessionCount = snapshot.sessionCount ?? sessions.length;
    setText($('stat-sessions'), String(sessionCount));
    setText($('stat-transfers'), String(snapshot.transferCount ?? transfers.length));
    // A busy server's snapshot holds the first sessions only (those with a transfer first).
    $('sessions-more').hidden = sessionCount <= sessions.length;
    setText($('sessions-more'), `Showing ${sessions.length} of ${sessionCount} sessions (those with a transfer first); \`ferry who\` or GET /api/sessions lists them all.`);
    setText($('stat-upload'), rate(snapshot.uploadBytesPerSecond));
    setText($('stat-download'), rate(snapshot.downloadBytesPerSecond));
    if (state.startedAt) setText($('stat-uptime'), duration((now - state.startedAt) / 1000));
    renderSessions(sessions, now);
    renderTransfers(transfers, now);
    if (!state.points.length || state.points[state.points.length - 1].t < now) {
      state.points.push({ t: now, up: snapshot.uploadBytesPerSecond || 0, down: snapshot.downloadBytesPerSecond || 0 });
    }
    drawChart();
  }

  // Rows are kept by session id and updated in place, so the live region announces a session
  // that arrives or leaves, not every byte count.
  function syncRows(body, items, key, create, update) {
    const seen = new Set();
    for (const item of items) {
      const id = `${body.id}-${key(item)}`;
      seen.add(id);
      let row = document.getElementById(id);
      if (!row) {
        row = create(item);
        row.id = id;
        body.appendChild(row);
      }
      update(row, item);
    }
    for (const row of [...body.rows]) if (!seen.has(row.id)) row.remove();
  }

  function renderSessions(sessions, now) {
    syncRows($('sessions-body'), sessions, (s) => s.id, (s) => {
      const row = document.createElement('tr');
      row.dataset.sessionId = s.id;
      cell(row, 'User', '');
      cell(row, 'Address', s.remoteAddress + (s.remotePort ? `:${s.remotePort}` : ''));
      cell(row, 'TLS', '');
      cell(row, 'Command', '');
      cell(row, 'Connected', '');
      cell(row, 'Idle', '');
      if (isAdmin()) {
        const actions = cell(row, 'Actions', '');
        actions.className = 'actions';
        actions.appendChild(button('Kick', '', () => kick(row), 'danger kick'));
      }
      return row;
    }, (row, s) => {
      const c = row.cells;
      setText(c[0], s.user || '(not logged in)');
      setText(c[2], s.tls ? 'yes' : 'no');
      setText(c[3], s.currentCommand || '–');
      setText(c[4], since(s.loggedInAt || s.connectedAt, now));
      setText(c[5], duration(s.idleSeconds || 0));
      row.dataset.user = s.user || '';
      const kickButton = row.querySelector('button.kick');
      if (kickButton) kickButton.setAttribute('aria-label', `Kick session ${s.id} (${s.user || 'not logged in'} from ${s.remoteAddress})`);
    });
    $('sessions-empty').hidden = sessions.length > 0;
  }

  function renderTransfers(transfers, now) {
    syncRows($('transfers-body'), transfers, (s) => s.id, (s) => {
      const row = document.createElement('tr');
      row.dataset.sessionId = s.id;
      for (const label of ['User', 'Direction', 'Path', 'Bytes', 'Rate', 'TLS', 'Since']) cell(row, label, '');
      row.cells[3].className = 'bytes';
      return row;
    }, (row, s) => {
      const t = s.transfer;
      const c = row.cells;
      setText(c[0], s.user || '–');
      setText(c[1], t.direction === 'upload' ? '↑ upload' : t.direction === 'download' ? '↓ download' : '≡ listing');
      setText(c[2], t.path || '–');
      setText(c[3], bytes(t.bytes));
      c[3].dataset.bytes = String(t.bytes);
      setText(c[4], rate(t.bytesPerSecond));
      setText(c[5], t.tls ? 'yes' : 'no');
      setText(c[6], since(t.startedAt, now));
      row.dataset.direction = t.direction;
      row.dataset.path = t.path || '';
    });
    $('transfers-empty').hidden = transfers.length > 0;
  }

  async function kick(row) {
    const id = row.dataset.sessionId;
    const who = row.dataset.user || 'a client that has not logged in';
    if (!await confirmAction(`Disconnect session ${id} (${who})? Its transfer, if any, is cut.`, 'Kick')) return;
    try {
      await api('DELETE', `/api/sessions/${encodeURIComponent(id)}`);
      notice(`Session ${id} disconnected.`);
    } catch (e) {
      notice(e.message);
    }
  }

  // The chart: two lines drawn into an SVG whose viewBox is 300 wide (one unit a second) and
  // 100 high; the scale's top is the largest rate shown, printed beside it.
  function drawChart() {
    const end = state.points.length ? state.points[state.points.length - 1].t : Date.now();
    const start = end - HISTORY_SECONDS * 1000;
    state.points = state.points.filter((p) => p.t >= start);
    const max = Math.max(1024, ...state.points.map((p) => Math.max(p.up, p.down)));
    const line = (pick) => state.points
      .map((p) => `${(((p.t - start) / 1000)).toFixed(1)},${(100 - (pick(p) / max) * 96).toFixed(1)}`)
      .join(' ');
    $('chart-upload').setAttribute('points', line((p) => p.up));
    $('chart-download').setAttribute('points', line((p) => p.down));
    setText($('chart-max'), rate(max));
    const last = state.points[state.points.length - 1];
    setText($('chart-upload-now'), rate(last ? last.up : 0));
    setText($('chart-download-now'), rate(last ? last.down : 0));
  }

  // ---- users --------------------------------------------------------------------------------

  async function showUsers() {
    try {
      const page = await api('GET', `/api/users?offset=${state.usersOffset}&limit=${USERS_PAGE}`);
      renderUsers(page);
    } catch (e) {
      if (e.status !== 401) notice(e.message);
    }
  }

  function permissionList(user) {
    const list = user.permissions || [];
    return list.includes('all') ? PERMISSIONS.slice() : list;
  }

  function limitsText(u) {
    const parts = [];
    if (u.quotaBytes !== null && u.quotaBytes !== undefined) parts.push(`quota ${bytes(u.quotaBytes)}`);
    if (u.quotaFiles !== null && u.quotaFiles !== undefined) parts.push(`${u.quotaFiles} files`);
    if (u.downloadRateLimit) parts.push(`↓ ${rate(u.downloadRateLimit)}`);
    if (u.uploadRateLimit) parts.push(`↑ ${rate(u.uploadRateLimit)}`);
    return parts.join(', ') || 'none';
  }

  const isS3 = (u) => !!u.storage && u.storage !== 'local';

  function renderUsers(page) {
    const body = $('users-body');
    body.replaceChildren();
    for (const u of page.items || []) {
      const row = document.createElement('tr');
      row.dataset.user = u.name;
      cell(row, 'Name', u.name);
      cell(row, 'Home or storage', isS3(u) ? u.storage : u.home);
      cell(row, 'Permissions', permissionList(u).join(', ') || 'none');
      cell(row, 'Limits', limitsText(u));
      cell(row, 'State', [u.disabled ? 'disabled' : 'enabled', u.requireTls ? 'TLS required' : ''].filter(Boolean).join(', '));
      if (isAdmin()) {
        const actions = cell(row, 'Actions', '');
        actions.className = 'actions';
        actions.appendChild(button('Edit', `Edit user ${u.name}`, () => openUser(u.name)));
      }
      body.appendChild(row);
    }
    const total = page.total ?? (page.items || []).length;
    $('users-empty').hidden = total > 0;
    $('users-prev').disabled = state.usersOffset === 0;
    $('users-next').disabled = state.usersOffset + USERS_PAGE >= total;
    $('users-prev').parentElement.hidden = total <= USERS_PAGE;
    setText($('users-page'), `${Math.min(state.usersOffset + 1, total)}–${Math.min(state.usersOffset + USERS_PAGE, total)} of ${total}`);
  }

  $('users-prev').addEventListener('click', () => { state.usersOffset = Math.max(0, state.usersOffset - USERS_PAGE); showUsers(); });
  $('users-next').addEventListener('click', () => { state.usersOffset += USERS_PAGE; showUsers(); });

  const numberOrNull = (id) => {
    const text = $(id).value.trim();
    return text === '' ? null : Number(text);
  };

  const setNumber = (id, value) => { $(id).value = value === null || value === undefined ? '' : String(value); };

  function fillUserForm(u) {
    clearInvalid($('user-form'));
    $('user-name').value = u ? u.name : '';
    $('user-name').readOnly = !!u;
    $('user-home').value = u ? u.home : '';
    $('user-storage').value = u && isS3(u) ? u.storage : 'local';
    const perms = u ? permissionList(u) : ['list', 'read', 'write', 'overwrite', 'delete', 'rename', 'mkdir'];
    for (const box of document.querySelectorAll('#user-permissions input')) box.checked = perms.includes(box.value);
    setNumber('user-quota-bytes', u && u.quotaBytes);
    setNumber('user-quota-files', u && u.quotaFiles);
    setNumber('user-download-rate', u && u.downloadRateLimit);
    setNumber('user-upload-rate', u && u.uploadRateLimit);
    $('user-require-tls').checked = !!(u && u.requireTls);
    $('user-disabled').checked = !!(u && u.disabled);
    $('user-password').value = '';
    $('user-password').type = 'password';
    $('user-password-hint').textContent = u
      ? 'Leave empty to keep the current password; type one or generate one to reset it.'
      : 'Leave empty to have one generated (shown once).';
    $('user-dialog-title').textContent = u ? `Edit user ${u.name}` : 'New user';
    $('user-delete').hidden = !u;
    $('user-error').hidden = true;
  }

  async function openUser(name) {
    try {
      const user = await api('GET', `/api/users/${encodeURIComponent(name)}`);
      state.editing = user;
      fillUserForm(user);
      $('user-dialog').showModal();
      $('user-home').focus();
    } catch (e) {
      notice(e.message);
    }
  }

  $('user-new').addEventListener('click', () => {
    state.editing = null;
    fillUserForm(null);
    $('user-dialog').showModal();
    $('user-name').focus();
  });

  $('user-cancel').addEventListener('click', () => $('user-dialog').close());

  // 20 characters of 56 (116 bits), the alphabet of the server's own first password.
  $('user-password-generate').addEventListener('click', () => {
    const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const random = new Uint32Array(20);
    crypto.getRandomValues(random);
    $('user-password').value = Array.from(random, (n) => alphabet[n % alphabet.length]).join('');
    $('user-password').type = 'text';
  });

  $('user-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('user-error');
    error.hidden = true;
    clearInvalid($('user-form'));
    const body = {
      storage: $('user-storage').value.trim() || 'local',
      permissions: [...document.querySelectorAll('#user-permissions input:checked')].map((b) => b.value),
      quotaBytes: numberOrNull('user-quota-bytes'),
      quotaFiles: numberOrNull('user-quota-files'),
      downloadRateLimit: numberOrNull('user-download-rate'),
      uploadRateLimit: numberOrNull('user-upload-rate'),
      requireTls: $('user-require-tls').checked,
      disabled: $('user-disabled').checked,
    };
    // An S3 user has no home folder: the API refuses one, and an empty field means "keep".
    const home = $('user-home').value.trim();
    if (home) body.home = home;
    const password = $('user-password').value;
    if (password) body.password = password;
    const editing = state.editing;
    if (!editing) body.name = $('user-name').value.trim();
    $('user-save').disabled = true;
    try {
      const saved = editing
        ? await api('PATCH', `/api/users/${encodeURIComponent(editing.name)}`, body)
        : await api('POST', '/api/users', body);
      $('user-dialog').close();
      notice(editing ? `User ${editing.name} saved; the change applies from its next login.` : `User ${saved.name} created.`);
      if (!editing && !password && saved.password) showSecret(`The password of ${saved.name}:`, saved.password);
      else if (password && $('user-password').type === 'text') showSecret(`The new password of ${saved.name}:`, password);
      showUsers();
    } catch (e) {
      showError(error, e, USER_FIELDS);
    } finally {
      $('user-save').disabled = false;
    }
  });

  $('user-delete').addEventListener('click', async () => {
    const user = state.editing;
    if (!user) return;
    if (!await confirmAction(`Delete user ${user.name}? Its sessions are disconnected; its files stay.`, 'Delete')) return;
    try {
      await api('DELETE', `/api/users/${encodeURIComponent(user.name)}`);
      $('user-dialog').close();
      notice(`User ${user.name} deleted.`);
      showUsers();
    } catch (e) {
      showError($('user-error'), e);
    }
  });

  // ---- bans ---------------------------------------------------------------------------------

  async function showBans() {
    try {
      renderBans(await api('GET', '/api/bans'));
    } catch (e) {
      if (e.status !== 401) notice(e.message);
    }
  }

  function renderBans(list) {
    const body = $('bans-body');
    body.replaceChildren();
    const items = (list && list.items) || [];
    for (const b of items) {
      const row = document.createElement('tr');
      row.dataset.network = b.network;
      cell(row, 'Address', b.network);
      cell(row, 'Until', localTime(b.bannedUntil));
      cell(row, 'Kind', b.manual ? 'manual' : 'failed logins');
      cell(row, 'Reason', b.reason || '–');
      if (isAdmin()) {
        const actions = cell(row, 'Actions', '');
        actions.className = 'actions';
        actions.appendChild(button('Lift', `Lift the ban of ${b.network}`, () => lift(b.network), 'lift'));
      }
      body.appendChild(row);
    }
    $('bans-empty').hidden = items.length > 0;
  }

  async function lift(network) {
    if (!await confirmAction(`Lift the ban of ${network}? It can connect again at once.`, 'Lift')) return;
    try {
      // A network's "/" is part of the name: encoded, so it stays one path segment.
      await api('DELETE', `/api/bans/${encodeURIComponent(network)}`);
      notice(`The ban of ${network} is lifted.`);
    } catch (e) {
      notice(e.message);
    }
    showBans();
  }

  $('ban-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('ban-error');
    error.hidden = true;
    clearInvalid($('ban-form'));
    const address = $('ban-address').value.trim();
    const durationText = $('ban-duration').value.trim();
    const minutes = Number(durationText);
    if (!address || (durationText !== '' && !(minutes > 0))) {
      showError(error, 'Enter an address, and a duration of at least one minute or none.');
      return;
    }
    const body = { address, reason: $('ban-reason').value.trim() || null };
    if (durationText !== '') body.durationSeconds = Math.round(minutes * 60);
    try {
      const ban = await api('POST', '/api/bans', body);
      $('ban-address').value = '';
      $('ban-reason').value = '';
      notice(`${ban && ban.network ? ban.network : address} is banned until ${ban && ban.bannedUntil ? localTime(ban.bannedUntil) : 'later'}.`);
      showBans();
    } catch (e) {
      showError(error, e, BAN_FIELDS);
    }
  });

  // ---- start --------------------------------------------------------------------------------

  (async () => {
    try {
      signedIn(await api('GET', '/api/auth/me'));
    } catch (e) {
      showLogin(e.status === 401 || e.status === undefined ? '' : e.message);
    }
  })();
})();
