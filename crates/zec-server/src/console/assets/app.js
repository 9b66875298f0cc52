// The zecd console: a page over the API. Every call goes to /console/api/v2/{service} with
// the session cookie, so it is allowed exactly what the signed-in credential is allowed.

const ZEC = "2025-09-01";
const POLL_MS = 1500;
const main = document.getElementById("main");
const statusLine = document.getElementById("status");
let me = null;          // the session: {account, credential, root, readOnly, resourceGroupIds}
let poller = null;      // the live-status timer of the page shown
let shown = 0;          // which navigation the page on screen belongs to

// ---- small helpers ----

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function say(text) { statusLine.textContent = text; }

function errorBox(e) {
  return h("p", { class: "error", role: "alert" }, e.code ? `${e.code}: ` : "", e.message);
}

class ApiError extends Error {
  constructor(code, message, status) { super(message); this.code = code; this.status = status; }
}

async function call(service, action, params = {}, version) {
  const headers = { "content-type": "application/json", "x-zc-action": action, "x-zecd-console": "1" };
  if (version) headers["x-zc-version"] = version;
  const r = await fetch(`/console/api/v2/${service}`, {
    method: "POST", headers, body: JSON.stringify(params), credentials: "same-origin",
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) {
    if (r.status === 401 && data.code === "AUTHFAILURE_INVALID_AUTHORIZATION") { me = null; showSignIn(); }
    throw new ApiError(data.code || `HTTP_${r.status}`, data.message || r.statusText, r.status);
  }
  return data.response;
}

const zec = (action, params) => call("zec", action, params, ZEC);
const admin = (action, params) => call("admin", action, params);

const STATUS_CLASS = {
  RUNNING: "s-ok", AVAILABLE: "s-ok", IN_USE: "s-ok", BINDED: "s-ok", USED: "s-ok", UNBIND: "s-idle",
  STOPPED: "s-idle", RECYCLE: "s-idle", RECYCLED: "s-idle",
  CREATE_FAILED: "s-bad", REINSTALL_FAILED: "s-bad", FAILED: "s-bad",
};
function badge(status) {
  const cls = STATUS_CLASS[status] || (status ? "s-warn" : "s-idle");
  return h("span", { class: `badge ${cls}`, "data-status": status || "" }, status || "—");
}

function cell(label, ...content) { return h("td", { "data-label": label }, ...content); }

function confirmDialog(message) {
  return new Promise((resolve) => {
    const dlg = h("dialog", { "aria-labelledby": "confirm-title" },
      h("h2", { id: "confirm-title" }, "Please confirm"),
      h("p", {}, message),
      h("div", { class: "actions" },
        h("button", { class: "primary", value: "yes", onclick: () => { dlg.close("yes"); } }, "Confirm"),
        h("button", { value: "no", onclick: () => { dlg.close("no"); } }, "Cancel")));
    dlg.addEventListener("close", () => { dlg.remove(); resolve(dlg.returnValue === "yes"); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

// A page answers after its calls; one the user has since left must not replace the new one.
function current(gen) { return gen === shown; }

function show(...nodes) {
  main.replaceChildren(...nodes);
  main.focus();
}

function poll(gen, f) {
  if (!current(gen)) return;
  stopPolling();
  poller = setInterval(f, POLL_MS);
}

// ---- session ----

async function session(method, body) {
  const r = await fetch("/console/api/session", {
    method, credentials: "same-origin",
    headers: { "content-type": "application/json", "x-zecd-console": "1" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await r.json().catch(() => ({}));
  if (!r.ok) throw new ApiError(data.code || `HTTP_${r.status}`, data.message || r.statusText, r.status);
  return data;
}

function showSignIn(error) {
  stopPolling();
  document.getElementById("nav").hidden = true;
  document.getElementById("who").replaceChildren();
  const form = h("form", { class: "card signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("p", { class: "muted" }, "With an access key, or a bearer token."),
    h("label", {}, "Access key id", h("input", { name: "accessKeyId", autocomplete: "username" })),
    h("label", {}, "Access key password", h("input", { name: "accessKeyPassword", type: "password", autocomplete: "current-password" })),
    h("label", {}, "Or a token", h("input", { name: "token", type: "password", autocomplete: "off" })),
    error ? errorBox(error) : null,
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, "Sign in")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = f.get("token") ? { token: f.get("token") }
      : { accessKeyId: f.get("accessKeyId"), accessKeyPassword: f.get("accessKeyPassword") };
    try {
      me = await session("POST", body);
      start();
    } catch (e) { showSignIn(e); }
  });
  show(form);
  form.querySelector("input").focus();
}

async function signOut() {
  try { await session("DELETE"); } catch (_) { /* signed out either way */ }
  me = null;
  location.hash = "#/instances";
  showSignIn();
  say("Signed out.");
}

// ---- navigation ----

const RESOURCES = {
  groups: { title: "Resource groups", service: "user", list: "DescribeResourceGroups", items: (r) => r.resourceGroups, id: "resourceGroupId",
    cols: [["Name", "name"], ["ID", "resourceGroupId"], ["Created", "createTime"]] },
  vpcs: { title: "VPCs", service: "zec", list: "DescribeVpcs", items: (r) => r.dataSet, id: "vpcId", ids: "vpcIds", paged: true,
    cols: [["Name", "name"], ["ID", "vpcId"], ["CIDR block", "cidrBlock"], ["Default", "isDefault"], ["Created", "createTime"]] },
  subnets: { title: "Subnets", service: "zec", list: "DescribeSubnets", items: (r) => r.dataSet, id: "subnetId", ids: "subnetIds", paged: true,
    cols: [["Name", "name"], ["ID", "subnetId"], ["CIDR block", "cidrBlock"], ["Region", "regionId"], ["VPC", "vpcId"]] },
  "security-groups": { title: "Security groups", service: "zec", list: "DescribeSecurityGroups", items: (r) => r.dataSet, id: "securityGroupId", ids: "securityGroupIds", paged: true,
    cols: [["Name", "securityGroupName"], ["ID", "securityGroupId"], ["VPCs", "vpcIds"], ["Created", "createTime"]],
    extra: async (g) => {
      const rules = await zec("DescribeSecurityGroupRule", { securityGroupId: g.securityGroupId });
      return [h("h2", {}, "Rules"), kv(rules)];
    } },
  "key-pairs": { title: "Key pairs", service: "ccs", list: "DescribeKeyPairs", items: (r) => r.dataSet, id: "keyId", ids: "keyIds", paged: true,
    cols: [["Name", "keyName"], ["ID", "keyId"], ["Created", "createTime"]] },
  disks: { title: "Disks", service: "zec", list: "DescribeDisks", items: (r) => r.dataSet, id: "diskId", ids: "diskIds", paged: true,
    cols: [["Name", "diskName"], ["ID", "diskId"], ["Status", "diskStatus"], ["Type", "diskType"], ["Size (GiB)", "diskSize"], ["Instance", "instanceId"], ["Zone", "zoneId"]] },
  eips: { title: "EIPs", service: "zec", list: "DescribeEips", items: (r) => r.dataSet, id: "eipId", ids: "eipIds", paged: true,
    cols: [["Name", "name"], ["ID", "eipId"], ["Status", "status"], ["Address", "publicIpAddresses"], ["Instance", "instanceId"], ["Region", "regionId"]] },
};

function navItems() {
  const items = [["instances", "Instances"], ...Object.entries(RESOURCES).map(([k, v]) => [k, v.title])];
  if (me && me.root) items.push(["clock", "Clock"], ["faults", "Faults"], ["accounts", "Accounts"]);
  return items;
}

function renderChrome() {
  const nav = document.getElementById("nav");
  const here = (location.hash.slice(2) || "instances").split("/")[0];
  nav.replaceChildren(...navItems().map(([k, label]) =>
    h("a", { href: `#/${k}`, "aria-current": k === here ? "page" : null }, label)));
  nav.hidden = false;
  const who = document.getElementById("who");
  who.replaceChildren(
    h("span", {}, `${me.account} · ${me.credential}`, me.readOnly ? " · read-only" : "", me.root ? " · root" : ""),
    h("button", { onclick: signOut, id: "sign-out" }, "Sign out"));
}

function stopPolling() { if (poller) { clearInterval(poller); poller = null; } }

async function route() {
  stopPolling();
  shown += 1;
  if (!me) return showSignIn();
  renderChrome();
  const [page, id, more] = (location.hash.slice(2) || "instances").split("/");
  try {
    if (page === "instances" && id === "new") return await createPage();
    if (page === "instances" && id) return await instancePage(decodeURIComponent(id));
    if (page === "instances") return await instancesPage();
    if (RESOURCES[page] && id) return await resourcePage(page, decodeURIComponent(id));
    if (RESOURCES[page]) return await resourcesPage(page);
    if (page === "clock" && me.root) return await clockPage();
    if (page === "faults" && me.root) return await faultsPage();
    if (page === "accounts" && me.root) return await accountsPage();
    show(h("h1", {}, "Not found"), h("p", { class: "empty" }, "There is no such page."), more);
  } catch (e) {
    show(h("h1", {}, "Something went wrong"), errorBox(e));
  }
}

// ---- instances ----

const filters = { zoneId: "", status: "", name: "", resourceGroupId: "", tag: "", pageNum: 1, pageSize: 20 };

async function instancesPage() {
  const gen = shown;
  const [zones, groups] = await Promise.all([
    zec("DescribeZones", {}).catch(() => ({ zoneSet: [] })),
    call("user", "DescribeResourceGroups", {}).catch(() => ({ resourceGroups: [] })),
  ]);
  if (!current(gen)) return;
  const select = (name, label, options) => h("label", {}, label,
    h("select", { name }, h("option", { value: "" }, "Any"),
      options.map(([v, t]) => h("option", { value: v, selected: filters[name] === v }, t))));
  const STATUSES = ["DEPLOYING", "RUNNING", "STOPPING", "STOPPED", "BOOTING", "REBOOT", "REBUILDING", "RESIZING", "RELEASING", "RECYCLE", "RECYCLING", "CREATE_FAILED", "REINSTALL_FAILED"];
  const form = h("form", { class: "card filters", role: "search", "aria-label": "Filter instances" },
    select("zoneId", "Zone", zones.zoneSet.map((z) => [z.zoneId, `${z.zoneId} (${z.cityName})`])),
    select("status", "Status", STATUSES.map((s) => [s, s])),
    h("label", {}, "Name contains", h("input", { name: "name", value: filters.name })),
    select("resourceGroupId", "Resource group", groups.resourceGroups.map((g) => [g.resourceGroupId, g.name])),
    h("label", {}, "Tag (key or key=value)", h("input", { name: "tag", value: filters.tag })),
    h("button", { type: "submit", class: "primary" }, "Filter"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    for (const k of ["zoneId", "status", "name", "resourceGroupId", "tag"]) filters[k] = String(f.get(k) || "");
    filters.pageNum = 1;
    loadInstances(body);
  });
  const body = h("div", { id: "instances" });
  const head = h("div", { class: "actions" },
    h("h1", { style: "margin-right:auto" }, "Instances"),
    me.readOnly ? null : h("a", { href: "#/instances/new", class: "button", id: "create-link" }, "Create instances"));
  show(head, form, body);
  await loadInstances(body);
}

function instanceQuery() {
  const q = { pageNum: filters.pageNum, pageSize: filters.pageSize };
  for (const k of ["zoneId", "status", "name", "resourceGroupId"]) if (filters[k]) q[k] = filters[k];
  if (filters.tag) {
    const [key, value] = filters.tag.split("=");
    if (value === undefined) q.tagKeys = [key.trim()];
    else q.tags = [{ key: key.trim(), value: value.trim() }];
  }
  return q;
}

async function loadInstances(body) {
  stopPolling();
  const gen = shown;
  let r;
  try { r = await zec("DescribeInstances", instanceQuery()); } catch (e) { body.replaceChildren(errorBox(e)); return; }
  if (!current(gen)) return;
  const selected = new Set();
  const act = async (action, label, extra = {}) => {
    const ids = [...selected];
    if (!ids.length) return;
    if (!(await confirmDialog(`${label} ${ids.length} instance(s)?`))) return;
    try {
      const res = await zec(action, { instanceIds: ids, ...extra });
      const failed = (res && res.instanceIds) || [];
      say(failed.length ? `${label}: could not act on ${failed.join(", ")}` : `${label}: requested for ${ids.length} instance(s).`);
    } catch (e) { say(""); body.prepend(errorBox(e)); }
    refresh();
  };
  const buttons = me.readOnly ? null : h("div", { class: "actions", role: "toolbar", "aria-label": "Act on the selected instances" },
    h("button", { onclick: () => act("StartInstances", "Start") }, "Start"),
    h("button", { onclick: () => act("StopInstances", "Stop") }, "Stop"),
    h("button", { onclick: () => act("RebootInstances", "Reboot") }, "Reboot"),
    h("button", { class: "danger", onclick: () => act("ReleaseInstances", "Release") }, "Release"));
  const pages = Math.max(1, Math.ceil(r.totalCount / filters.pageSize));
  const pager = h("nav", { class: "pager", "aria-label": "Pages" },
    h("button", { disabled: filters.pageNum <= 1, onclick: () => { filters.pageNum -= 1; loadInstances(body); } }, "Previous"),
    h("span", {}, `Page ${filters.pageNum} of ${pages} · ${r.totalCount} instance(s)`),
    h("button", { disabled: filters.pageNum >= pages, onclick: () => { filters.pageNum += 1; loadInstances(body); } }, "Next"));
  if (!r.dataSet.length) {
    body.replaceChildren(h("p", { class: "empty" }, r.totalCount ? "No instances on this page." : "No instances match. Create one, or change the filters."), pager);
    return;
  }
  const rows = r.dataSet.map((i) => h("tr", { "data-id": i.instanceId },
    me.readOnly ? null : cell("Select", h("input", { type: "checkbox", "aria-label": `Select ${i.instanceName} (${i.instanceId})`,
      onchange: (ev) => { if (ev.target.checked) selected.add(i.instanceId); else selected.delete(i.instanceId); } })),
    cell("Name", h("a", { href: `#/instances/${encodeURIComponent(i.instanceId)}` }, i.instanceName)),
    cell("ID", i.instanceId),
    cell("Status", badge(i.status)),
    cell("Zone", i.zoneId),
    cell("Type", i.instanceType || ""),
    cell("Private IPv4", (i.privateIpAddresses || []).join(", ")),
    cell("Public IPv4", (i.publicIpAddresses || []).join(", "))));
  const table = h("table", { class: "cards", "aria-label": "Instances" },
    h("thead", {}, h("tr", {}, me.readOnly ? null : h("th", { scope: "col" }, "Select"),
      ...["Name", "ID", "Status", "Zone", "Type", "Private IPv4", "Public IPv4"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows));
  body.replaceChildren(buttons || "", table, pager);
  // Live statuses: the page's instances, without reloading it.
  const ids = r.dataSet.map((i) => i.instanceId);
  async function refresh() {
    try {
      const s = await zec("DescribeInstancesStatus", { instanceIds: ids, pageSize: ids.length });
      for (const { instanceId, instanceStatus } of s.dataSet) {
        const td = table.querySelector(`tr[data-id="${instanceId}"] td[data-label="Status"]`);
        if (td && td.textContent !== instanceStatus) td.replaceChildren(badge(instanceStatus));
      }
      const gone = ids.filter((id) => !s.dataSet.some((x) => x.instanceId === id));
      for (const id of gone) {
        const td = table.querySelector(`tr[data-id="${id}"] td[data-label="Status"]`);
        if (td) td.replaceChildren(h("span", { class: "badge s-idle", "data-status": "GONE" }, "released"));
      }
    } catch (_) { /* the next tick tries again */ }
  }
  poll(gen, refresh);
}

function kv(obj) {
  const dl = h("dl", { class: "kv" });
  for (const [k, v] of Object.entries(obj || {})) {
    if (k === "requestId") continue;
    let shown;
    if (v === null || v === undefined) shown = h("span", { class: "muted" }, "—");
    else if (typeof v === "object") shown = h("pre", {}, JSON.stringify(v, null, 2));
    else if (/status$/i.test(k)) shown = badge(String(v));
    else shown = String(v);
    dl.append(h("dt", {}, k), h("dd", {}, shown));
  }
  return dl;
}

function listTable(label, cols, rows, link) {
  if (!rows.length) return h("p", { class: "empty" }, `No ${label.toLowerCase()}.`);
  return h("table", { class: "cards", "aria-label": label },
    h("thead", {}, h("tr", {}, cols.map(([c]) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, cols.map(([c, key], n) => {
      let v = r[key];
      if (Array.isArray(v)) v = v.join(", ");
      const content = /status/i.test(key) ? badge(v) : (v === null || v === undefined ? "—" : String(v));
      return cell(c, n === 0 && link ? h("a", { href: link(r) }, content) : content);
    })))));
}

async function instancePage(id) {
  const gen = shown;
  const r = await zec("DescribeInstances", { instanceIds: [id] });
  const i = r.dataSet[0];
  if (!i) return show(h("h1", {}, "Instance"), h("p", { class: "empty" }, `No instance ${id} (released, or not yours).`));
  const statusCell = h("span", {}, badge(i.status));
  const [disks, eips] = await Promise.all([
    zec("DescribeDisks", { instanceId: id, pageSize: 100 }).catch(() => ({ dataSet: [] })),
    zec("DescribeEips", { instanceId: id, pageSize: 100 }).catch(() => ({ dataSet: [] })),
  ]);
  if (!current(gen)) return;
  show(
    h("p", {}, h("a", { href: "#/instances" }, "← Instances")),
    h("h1", {}, i.instanceName, " ", statusCell),
    kv(i),
    h("h2", {}, "Network interfaces"),
    listTable("Network interfaces", [["ID", "nicId"], ["Type", "nicType"], ["Private", "privateIpList"], ["Public", "publicIpList"], ["Security group", "securityGroupId"]], i.nics || []),
    h("h2", {}, "Disks"),
    listTable("Disks", RESOURCES.disks.cols, disks.dataSet, (d) => `#/disks/${d.diskId}`),
    h("h2", {}, "Elastic IPs"),
    listTable("Elastic IPs", RESOURCES.eips.cols, eips.dataSet, (e) => `#/eips/${e.eipId}`));
  poll(gen, async () => {
    try {
      const s = await zec("DescribeInstancesStatus", { instanceIds: [id] });
      const now = s.dataSet[0] ? s.dataSet[0].instanceStatus : "GONE";
      if (statusCell.textContent !== now) statusCell.replaceChildren(badge(now));
    } catch (_) { /* next tick */ }
  });
}

async function createPage() {
  const zones = (await zec("DescribeZones", {})).zoneSet;
  const zoneSel = h("select", { name: "zoneId", required: true }, zones.map((z) => h("option", { value: z.zoneId }, `${z.zoneId} (${z.cityName})`)));
  const typeSel = h("select", { name: "instanceType", required: true });
  const imageSel = h("select", { name: "imageId", required: true });
  const subnetSel = h("select", { name: "subnetId", required: true });
  const keySel = h("select", { name: "keyId" }, h("option", { value: "" }, "None (use a password)"));
  const out = h("div", { "aria-live": "polite" });
  async function fill() {
    const zone = zoneSel.value;
    const region = (zones.find((z) => z.zoneId === zone) || {}).regionId;
    const [types, images, subnets, keys] = await Promise.all([
      zec("DescribeZoneInstanceConfigInfos", { zoneId: zone }),
      zec("DescribeImages", { zoneId: zone, pageSize: 100 }),
      zec("DescribeSubnets", { pageSize: 100 }),
      call("ccs", "DescribeKeyPairs", { pageSize: 100 }).catch(() => ({ dataSet: [] })),
    ]);
    typeSel.replaceChildren(...types.instanceTypeQuotaSet.map((t) =>
      h("option", { value: t.instanceType, disabled: !t.withStock }, `${t.instanceType} · ${t.cpuCount} vCPU, ${t.memory} GiB${t.withStock ? "" : " (sold out)"}`)));
    imageSel.replaceChildren(...images.dataSet.map((i) => h("option", { value: i.imageId }, i.imageName)));
    subnetSel.replaceChildren(...subnets.dataSet.filter((s) => s.regionId === region && s.cidrBlock)
      .map((s) => h("option", { value: s.subnetId }, `${s.name} · ${s.cidrBlock}`)));
    keySel.replaceChildren(h("option", { value: "" }, "None (use a password)"),
      ...keys.dataSet.map((k) => h("option", { value: k.keyId }, k.keyName)));
  }
  zoneSel.addEventListener("change", fill);
  const form = h("form", { class: "card", "aria-labelledby": "create-title" },
    h("h1", { id: "create-title" }, "Create instances"),
    h("div", { class: "filters" },
      h("label", {}, "Zone", zoneSel),
      h("label", {}, "Instance type", typeSel),
      h("label", {}, "Image", imageSel),
      h("label", {}, "Subnet", subnetSel),
      h("label", {}, "Key pair", keySel),
      h("label", {}, "Name", h("input", { name: "instanceName", value: "web" })),
      h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: "new-password" })),
      h("label", {}, "Count", h("input", { name: "instanceCount", type: "number", min: 1, max: 100, value: 1 }))),
    out,
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, "Create"),
      h("a", { href: "#/instances" }, "Cancel")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const body = { instanceCount: Number(f.get("instanceCount") || 1) };
    for (const k of ["zoneId", "instanceType", "imageId", "subnetId", "keyId", "instanceName", "password"]) {
      const v = String(f.get(k) || "");
      if (v) body[k] = v;
    }
    try {
      const r = await zec("CreateZecInstances", body);
      say(`Created ${r.instanceIdSet.length} instance(s): ${r.instanceIdSet.join(", ")}`);
      location.hash = "#/instances";
    } catch (e) { out.replaceChildren(errorBox(e)); }
  });
  show(form);
  await fill();
}

// ---- the other resources ----

async function resourcesPage(kind) {
  const def = RESOURCES[kind];
  const params = def.paged ? { pageSize: 100 } : {};
  const gen = shown;
  const r = await call(def.service, def.list, params, def.service === "zec" ? ZEC : undefined);
  if (!current(gen)) return;
  show(h("h1", {}, def.title), listTable(def.title, def.cols, def.items(r), (x) => `#/${kind}/${encodeURIComponent(x[def.id])}`));
}

async function resourcePage(kind, id) {
  const def = RESOURCES[kind];
  const params = def.ids ? { [def.ids]: [id] } : {};
  const r = await call(def.service, def.list, params, def.service === "zec" ? ZEC : undefined);
  const x = def.items(r).find((i) => i[def.id] === id);
  if (!x) return show(h("h1", {}, def.title), h("p", { class: "empty" }, `No ${id}.`));
  const extra = def.extra ? await def.extra(x).catch((e) => [errorBox(e)]) : [];
  show(h("p", {}, h("a", { href: `#/${kind}` }, `← ${def.title}`)), h("h1", {}, x[def.cols[0][1]] || id), kv(x), ...extra);
}

// ---- the root key's pages ----

async function clockPage() {
  const c = await admin("DescribeClock", {});
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card filters", "aria-label": "Advance the clock" },
    h("label", {}, "Advance by (e.g. 2s, 500ms, 1h)", h("input", { name: "by", value: "1s", required: true })),
    h("button", { class: "primary", type: "submit", disabled: c.mode !== "manual" }, "Advance"), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try { await admin("AdvanceClock", { by: new FormData(form).get("by") }); route(); } catch (e) { out.replaceChildren(errorBox(e)); }
  });
  show(h("h1", {}, "Clock"), kv(c), c.mode === "manual" ? form : h("p", { class: "muted" }, "The clock is the system's; start zecd with --clock manual to move it from here."));
}

async function faultsPage() {
  const f = await admin("DescribeFaults", {});
  const out = h("div", { "aria-live": "polite" });
  const del = async (id) => { await admin("DeleteFaults", { ids: [id] }); route(); };
  const rules = [...(f.failures || []).map((r) => ({ kind: "failure", ...r })), ...(f.errors || []).map((r) => ({ kind: "error", ...r }))];
  const table = rules.length ? h("table", { class: "cards", "aria-label": "Fault rules" },
    h("thead", {}, h("tr", {}, ["Kind", "Rule", ""].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rules.map((r) => h("tr", {}, cell("Kind", r.kind), cell("Rule", h("pre", {}, JSON.stringify(r))),
      cell("", h("button", { class: "danger", onclick: () => del(r.id) }, `Delete ${r.id}`))))))
    : h("p", { class: "empty" }, "No fault rules.");
  const form = h("form", { class: "card filters", "aria-label": "Add a fault rule" },
    h("label", {}, "Phase that fails (deploy, rebuild, disk-create…)", h("input", { name: "phase" })),
    h("label", {}, "or action answering an error", h("input", { name: "action" })),
    h("label", {}, "with code", h("input", { name: "code", value: "INTERNAL_SERVER_ERROR" })),
    h("label", {}, "Count (empty: all)", h("input", { name: "count", type: "number", min: 1 })),
    h("button", { class: "primary", type: "submit" }, "Add"), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    const count = d.get("count") ? { count: Number(d.get("count")) } : {};
    const body = d.get("phase") ? { failures: [{ phase: d.get("phase"), ...count }] }
      : { errors: [{ action: d.get("action"), code: d.get("code"), ...count }] };
    try { await admin("CreateFaults", body); route(); } catch (e) { out.replaceChildren(errorBox(e)); }
  });
  show(h("h1", {}, "Fault rules"), table, form);
}

async function accountsPage() {
  const r = await admin("DescribeAccounts", {});
  const out = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card filters", "aria-label": "Create an account" },
    h("label", {}, "New account name", h("input", { name: "name", required: true })),
    h("button", { class: "primary", type: "submit" }, "Create account"), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try { await admin("CreateAccount", { name: new FormData(form).get("name") }); route(); } catch (e) { out.replaceChildren(errorBox(e)); }
  });
  const newKey = async (account, readOnly) => {
    try {
      const k = await admin("CreateAccessKey", { account, readOnly });
      out.replaceChildren(h("p", { class: "card", role: "alert" }, `New key of ${account} (shown once): `,
        h("code", {}, k.accessKeyId), " / ", h("code", {}, k.accessKeyPassword)));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  const sections = r.accounts.map((a) => h("section", { class: "card", "aria-label": `Account ${a.name}` },
    h("h2", {}, a.name, " ", h("span", { class: "muted" }, a.createTime)),
    listTable(`Keys of ${a.name}`, [["Key id", "accessKeyId"], ["Root", "root"], ["Read-only", "readOnly"], ["Groups", "resourceGroupIds"], ["Created", "createTime"]], a.accessKeys),
    h("div", { class: "actions" },
      h("button", { onclick: () => newKey(a.name, false) }, "New key"),
      h("button", { onclick: () => newKey(a.name, true) }, "New read-only key"))));
  show(h("h1", {}, "Accounts"), form, ...sections);
}

// ---- start ----

function start() {
  if (!location.hash) location.hash = "#/instances";
  route();
}

window.addEventListener("hashchange", route);
(async () => {
  try { me = await session("GET"); start(); } catch (_) { showSignIn(); }
})();
