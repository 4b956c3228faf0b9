// Admin (for the holder of the admin token): add a camera (start a stream), stop selected cameras,
// change a camera's plan, the storage report, and the audit and notification lists.
import { api, ApiError, query } from './api.js';
import { busy, clear, h, toast } from './dom.js';
import { bytes, duration, localDateTime } from './format.js';
import { cameraState } from './camera_state.js';

const DEFAULT_PLANS = ['basic', 'pro', 'premium'];

function field(id, label, input) {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

export function mount(view) {
  const controller = new AbortController();
  const signal = controller.signal;
  const camerasBox = h('section', { class: 'panel', 'aria-labelledby': 'adm-cameras' });
  const addBox = h('section', { class: 'panel', 'aria-labelledby': 'adm-add' });
  const storageBox = h('section', { class: 'panel', 'aria-labelledby': 'adm-storage' });
  const auditBox = h('section', { class: 'panel', 'aria-labelledby': 'adm-audit' });
  const notesBox = h('section', { class: 'panel', 'aria-labelledby': 'adm-notes' });
  clear(view, h('h1', {}, 'Admin'),
    h('p', { class: 'muted' }, 'These actions need the admin token (the Token button). Cameras from hook-server.yml are changed in that file; cameras added here can be stopped and re-planned here.'),
    camerasBox, addBox, storageBox, auditBox, notesBox);
  let plans = new Set(DEFAULT_PLANS);

  const fail = (box) => (e) => {
    if (!signal.aborted) box.append(h('p', { class: 'error' }, e.message));
  };

  async function showCameras() {
    const { cameras } = await api('/api/cameras', { signal });
    for (const c of cameras) plans.add(c.plan);
    const active = cameras.filter((c) => !c.removed_at);
    const rows = active.map((c) => {
      const pick = h('input', { type: 'checkbox', value: c.id, 'aria-label': `Select ${c.name}` });
      const plan = h('select', { 'aria-label': `Plan of ${c.name}`, disabled: c.origin === 'config' },
        [...plans].map((p) => h('option', { value: p, selected: p === c.plan }, p)));
      plan.addEventListener('change', () => busy(plan, async () => {
        try {
          await api(`/api/cameras/${encodeURIComponent(c.id)}`, { method: 'PATCH', body: { plan: plan.value } });
          toast(`${c.name}: plan ${plan.value}.`);
        } catch (e) {
          plan.value = c.plan;
          throw e;
        }
        await showCameras();
      }));
      const st = cameraState(c);
      return h('tr', { dataset: { camera: c.id } },
        h('td', {}, pick),
        h('td', { 'data-label': 'Camera' }, `${c.name} (${c.id})`),
        h('td', { 'data-label': 'Status' }, h('span', { class: `badge ${st.key}` }, st.label)),
        h('td', { 'data-label': 'Plan' }, plan),
        h('td', { 'data-label': 'Defined in' }, c.origin === 'config' ? 'hook-server.yml' : c.origin),
        h('td', { 'data-label': 'Source' }, h('code', {}, c.source)));
    });
    const stop = h('button', { type: 'button', class: 'danger', id: 'stop-selected' }, 'Stop selected');
    stop.addEventListener('click', () => busy(stop, async () => {
      const ids = [...camerasBox.querySelectorAll('tbody input[type=checkbox]:checked')].map((i) => i.value);
      if (!ids.length) throw new Error('Select the cameras to stop first.');
      const failed = [];
      for (const cid of ids) {
        try {
          await api(`/api/streams/${encodeURIComponent(cid)}`, { method: 'DELETE' });
        } catch (e) {
          failed.push(`${cid}: ${e.message}`);
        }
      }
      await showCameras();
      if (failed.length) throw new Error(`Not stopped: ${failed.join('; ')}`);
      toast(`Stopped ${ids.length} camera${ids.length > 1 ? 's' : ''}; their recordings stay.`);
    }));
    clear(camerasBox, h('h2', { id: 'adm-cameras' }, `Cameras (${active.length})`),
      h('table', { class: 'admin-cameras' },
        h('thead', {}, h('tr', {}, ['', 'Camera', 'Status', 'Plan', 'Defined in', 'Source'].map((t, i) => h('th', { scope: 'col', 'aria-label': i === 0 ? 'Selected' : undefined }, t)))),
        h('tbody', {}, rows)),
      h('div', { class: 'row' }, stop));
  }

  function showAdd() {
    const id = h('input', { type: 'text', required: true, pattern: '[A-Za-z0-9_\\-]{1,64}', autocomplete: 'off' });
    const name = h('input', { type: 'text', autocomplete: 'off' });
    const url = h('input', { type: 'text', required: true, placeholder: 'rtsp://user:pass@host:554/stream', autocomplete: 'off' });
    const plan = h('input', { type: 'text', list: 'plan-names', placeholder: 'default plan' });
    const record = h('input', { type: 'checkbox', defaultChecked: true, id: 'add-record' });
    const result = h('div', { class: 'result', role: 'status' });
    const submit = h('button', { type: 'submit' }, 'Add camera');
    const form = h('form', { id: 'add-camera' },
      h('div', { class: 'fields' },
        field('add-id', 'Camera id', id), field('add-name', 'Name', name), field('add-url', 'Stream URL', url),
        field('add-plan', 'Plan', plan),
        h('div', { class: 'field' }, h('label', { class: 'check' }, record, ' Record'))),
      h('datalist', { id: 'plan-names' }, [...plans].map((p) => h('option', { value: p }))),
      h('div', { class: 'row' }, submit), result);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(submit, async () => {
        const body = { camera_id: id.value.trim(), stream_url: url.value.trim(), record: record.checked };
        if (name.value.trim()) body.name = name.value.trim();
        if (plan.value.trim()) body.plan = plan.value.trim();
        const r = await api('/api/streams', { method: 'POST', body });
        clear(result, h('p', {}, `Camera ${r.camera_id} ${r.applied ? 'applied to MediaMTX' : r.mediamtx_config_written ? 'written to mediamtx.yml' : 'saved'}`
          + `${r.apply_error ? ` (MediaMTX not updated yet: ${r.apply_error})` : ''}.`),
        h('dl', { class: 'facts urls' }, ['whep_url', 'hls_url', 'rtsp_url', 'snapshot_url'].map((k) => [h('dt', {}, k), h('dd', {}, h('code', {}, r[k]))])));
        form.reset();
        await showCameras();
      });
    });
    clear(addBox, h('h2', { id: 'adm-add' }, 'Add a camera'), form);
  }

  async function showStorage() {
    let report;
    try {
      report = await api('/api/storage', { signal });
    } catch (e) {
      if (e instanceof ApiError && e.missingEndpoint) {
        clear(storageBox, h('h2', { id: 'adm-storage' }, 'Storage'), h('p', { class: 'muted' }, 'This server has no storage report (GET /api/storage).'));
        return;
      }
      throw e;
    }
    clear(storageBox, h('h2', { id: 'adm-storage' }, 'Storage'),
      (report.warnings || []).map((w) => h('p', { class: 'error' }, w)),
      h('table', {}, h('thead', {}, h('tr', {}, ['Camera', 'Plan', 'Held', 'Per day', 'Total', 'Permanent'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, report.cameras.map((c) => h('tr', {},
          h('td', { 'data-label': 'Camera' }, c.camera_id),
          h('td', { 'data-label': 'Plan' }, `${c.plan} (${c.retention_days} d)${c.plan_met ? '' : ' — not met'}`),
          h('td', { 'data-label': 'Held' }, `${(c.held_days || 0).toFixed(1)} d`),
          h('td', { 'data-label': 'Per day' }, bytes(c.bytes_per_day)),
          h('td', { 'data-label': 'Total' }, bytes(c.bytes && c.bytes.total)),
          h('td', { 'data-label': 'Permanent' }, bytes(c.bytes && c.bytes.permanent)))))),
      (report.disks || []).map((d) => h('p', {}, `${d.path}: ${bytes(d.free_bytes)} free of ${bytes(d.total_bytes)}; `
        + `${d.days_until_guard === null ? 'not filling up' : `disk guard in ${duration(d.days_until_guard * 86400)}`}`)));
  }

  async function showAudit() {
    const { audit } = await api(`/api/audit${query({ limit: 100 })}`, { signal });
    clear(auditBox, h('h2', { id: 'adm-audit' }, `Audit (last ${audit.length})`),
      audit.length ? h('table', {}, h('thead', {}, h('tr', {}, ['When', 'Camera', 'Recording', 'Size', 'Reason', 'Outcome'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, audit.map((a) => h('tr', {},
          h('td', { 'data-label': 'When' }, localDateTime(new Date(a.at))),
          h('td', { 'data-label': 'Camera' }, a.camera_id),
          h('td', { 'data-label': 'Recording' }, localDateTime(new Date(a.start))),
          h('td', { 'data-label': 'Size' }, bytes(a.size_bytes)),
          h('td', { 'data-label': 'Reason' }, a.reason),
          h('td', { 'data-label': 'Outcome' }, a.outcome)))))
        : h('p', { class: 'muted' }, 'Nothing deleted yet.'));
  }

  async function showNotifications() {
    const { notifications } = await api(`/api/notifications${query({ limit: 50 })}`, { signal });
    clear(notesBox, h('h2', { id: 'adm-notes' }, `Notifications (last ${notifications.length})`),
      notifications.length ? h('ul', { class: 'notes' }, notifications.map((n) => h('li', {},
        h('strong', {}, n.kind), ` ${n.camera_id ? `camera ${n.camera_id}, ` : ''}${localDateTime(new Date(n.created_at))}: `,
        n.deliveries.length ? n.deliveries.map((d) => `${d.url} ${d.state}${d.last_error ? ` (${d.last_error})` : ''}`).join('; ') : 'no webhook configured')))
        : h('p', { class: 'muted' }, 'No notifications yet.'));
  }

  (async () => {
    await showCameras().catch(fail(camerasBox));
    showAdd();
    await Promise.all([showStorage().catch(fail(storageBox)), showAudit().catch(fail(auditBox)), showNotifications().catch(fail(notesBox))]);
    view.dataset.loaded = 'true';
  })();
  return () => controller.abort();
}
