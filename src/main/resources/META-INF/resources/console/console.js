// The console's script: the sign-in (HTTP Basic credentials kept for this tab only), the live
// dashboard (it polls /admin/stats/history every second and draws uPlot charts), the flush
// confirmation and the key details' buttons. Pages and fragments come from the server.
"use strict";

const AUTH = "ratmemcache.console.auth";
const body = document.body;
const status = document.getElementById("status");

/** Tells the user something; source marks what a later success of the same source may clear. */
function say(text, failed, source = "") {
  status.textContent = text;
  status.classList.toggle("failed", Boolean(failed));
  status.dataset.source = source;
}

function headers() {
  const sent = { "X-Requested-With": "XMLHttpRequest" };
  const auth = sessionStorage.getItem(AUTH);
  if (auth) {
    sent.Authorization = auth;
  }
  return sent;
}

/** The admin API's answer as JSON (null for 204); a refusal becomes an Error with the problem's detail. */
async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers(), ...(options.headers || {}) } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail || detail;
    } catch (notJson) {
      // keep the status text
    }
    throw Object.assign(new Error(detail), { status: response.status });
  }
  return response.status === 204 ? null : response.json();
}

// ---- sign-in ----

const signIn = document.getElementById("sign-in");
const signedIn = document.getElementById("signed-in");

function showSignedIn(user) {
  signedIn.textContent = user ? "Signed in as " + user : "";
  signedIn.hidden = !user;
  for (const id of ["user", "password", "sign-in-button"]) {
    document.getElementById(id).closest("label, button").hidden = Boolean(user);
  }
  document.getElementById("sign-out-button").hidden = !user;
}

signIn.addEventListener("submit", async (event) => {
  event.preventDefault();
  const user = document.getElementById("user").value;
  const password = document.getElementById("password").value;
  const auth = "Basic " + btoa(unescape(encodeURIComponent(user + ":" + password)));
  const response = await fetch("/console/fragments/signed-in", {
    headers: { "X-Requested-With": "XMLHttpRequest", Authorization: auth },
  });
  document.getElementById("password").value = "";
  if (response.ok) {
    sessionStorage.setItem(AUTH, auth);
    showSignedIn((await response.text()).trim());
    say("Signed in.");
    body.dispatchEvent(new Event("signed-in"));
  } else if (response.status === 401) {
    sessionStorage.removeItem(AUTH);
    showSignedIn(null);
    say("Wrong user or password: refused.", true);
  } else {
    say((await response.json()).detail, true);
  }
});

document.getElementById("sign-out-button").addEventListener("click", () => {
  sessionStorage.removeItem(AUTH);
  showSignedIn(null);
  say("Signed out.");
});

if (sessionStorage.getItem(AUTH)) {
  fetch("/console/fragments/signed-in", { headers: headers() }).then(async (response) => {
    if (response.ok) {
      showSignedIn((await response.text()).trim());
    } else {
      sessionStorage.removeItem(AUTH);
    }
  });
}

// htmx's requests carry the same credentials, and their refusals are said, not swallowed.
document.addEventListener("htmx:configRequest", (event) => {
  Object.assign(event.detail.headers, headers());
});
document.addEventListener("htmx:responseError", (event) => {
  let detail = event.detail.xhr.statusText;
  try {
    detail = JSON.parse(event.detail.xhr.responseText).detail || detail;
  } catch (notJson) {
    // keep the status text
  }
  say(detail, true);
});

// ---- numbers ----

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });

function bytes(n) {
  if (n == null) {
    return "–";
  }
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return decimal.format(n) + " " + units[unit];
}

function text(id, value) {
  const element = document.getElementById(id);
  if (element) {
    element.textContent = value;
  }
}

// ---- dashboard ----

const WINDOW = 300;
const series = { t: [], get: [], set: [], del: [], other: [], hits: [], p50: [], p99: [], p999: [], items: [], budget: [] };
const charts = {};
let lastSequence = -1;

/**
 * A uPlot time chart in the element id: one line per label, on the left axis, or on a
 * right-hand axis of its own where right names the label and its unit.
 */
function chart(id, labels, scales, axisLabel, right) {
  const element = document.getElementById(id);
  const width = () => Math.max(280, element.clientWidth);
  const colours = ["#1f6feb", "#d1242f", "#2da44e", "#9a6700"];
  const axes = [{ label: "time" }, { label: axisLabel }];
  if (right) {
    axes.push({ scale: right.scale, side: 1, label: right.unit, grid: { show: false } });
  }
  const options = {
    width: width(),
    height: 180,
    scales: { x: { time: true }, ...scales },
    axes,
    series: [{}, ...labels.map((label, i) => ({
      label, stroke: colours[i], width: 1.5, scale: right && right.label === label ? right.scale : "y",
    }))],
  };
  const plot = new uPlot(options, [[], ...labels.map(() => [])], element);
  new ResizeObserver(() => plot.setSize({ width: width(), height: 180 })).observe(element);
  return plot;
}

function record(sample) {
  const s = series;
  s.t.push(sample.at / 1000);
  s.get.push(sample.requestsPerSecond.get);
  s.set.push(sample.requestsPerSecond.set);
  s.del.push(sample.requestsPerSecond.delete);
  s.other.push(sample.requestsPerSecond.other);
  s.hits.push(sample.hitRatio == null ? null : 100 * sample.hitRatio);
  s.p50.push(sample.latency ? sample.latency.p50Micros : null);
  s.p99.push(sample.latency ? sample.latency.p99Micros : null);
  s.p999.push(sample.latency ? sample.latency.p999Micros : null);
  s.items.push(sample.now.l1.items);
  s.budget.push(100 * sample.now.l1.bytes / sample.now.l1.maxBytes);
  for (const values of Object.values(s)) {
    if (values.length > WINDOW) {
      values.shift();
    }
  }
}

function show(sample) {
  const r = sample.requestsPerSecond;
  const now = sample.now;
  text("rps", integer.format(r.get + r.set + r.delete + r.other));
  text("rps-detail", `get ${integer.format(r.get)} · set ${integer.format(r.set)} · delete ${integer.format(r.delete)} · other ${integer.format(r.other)}`);
  text("hit-ratio", sample.hitRatio == null ? "no reads" : decimal.format(100 * sample.hitRatio) + " %");
  text("latency", sample.latency
    ? `${decimal.format(sample.latency.p50Micros)} / ${decimal.format(sample.latency.p99Micros)} / ${decimal.format(sample.latency.p999Micros)} µs`
    : "no commands");
  text("l1-items", integer.format(now.l1.items) + (now.l1.maxItems == null ? "" : " of " + integer.format(now.l1.maxItems)));
  text("l1-bytes", `${bytes(now.l1.bytes)} of ${bytes(now.l1.maxBytes)}`);
  text("l1-policy", "eviction policy: " + now.l1.eviction);
  text("evictions", decimal.format(sample.evictionsPerSecond));
  if (now.l2.enabled) {
    text("l2-items", integer.format(now.l2.items));
    text("l2-disk", now.disk ? `${bytes(now.disk.usedBytes)} of ${bytes(now.disk.maxBytes)} on disk` : "");
    text("l2-health", now.l2.healthy ? "healthy" : "failing: " + now.l2.error);
    text("write-back-queue", integer.format(now.l2.writeBackQueue));
    text("write-back-lag", now.l2.writePolicy === "write-back"
      ? `oldest waiting ${integer.format(now.l2.writeBackLagMillis)} ms` : now.l2.writePolicy + ": nothing waits");
  } else {
    text("l2-items", "off");
    text("write-back-queue", "–");
  }
  text("now-requests", `now: ${integer.format(r.get)} get, ${integer.format(r.set)} set, ${integer.format(r.delete)} delete, ${integer.format(r.other)} other per second`);
  text("now-hits", sample.hitRatio == null ? "now: no reads" : `now: ${decimal.format(100 * sample.hitRatio)} %`);
  text("now-latency", sample.latency
    ? `now: p50 ${decimal.format(sample.latency.p50Micros)}, p99 ${decimal.format(sample.latency.p99Micros)}, p99.9 ${decimal.format(sample.latency.p999Micros)} µs`
    : "now: no commands");
  text("now-memory", `now: ${integer.format(now.l1.items)} items, ${decimal.format(100 * now.l1.bytes / now.l1.maxBytes)} % of ${bytes(now.l1.maxBytes)}`);
  text("connections", `${integer.format(now.connections.current)} of ${integer.format(now.connections.max)}`);
  text("connections-detail", `${integer.format(now.connections.rejected)} rejected since start`);
  const resp = now.respConnections;
  text("connections-resp", resp == null ? "Redis protocol: off"
    : `Redis protocol: ${integer.format(resp.current)} of ${integer.format(resp.max)}, ${integer.format(resp.rejected)} rejected`);
  const p = sample.commandsPerSecond;
  text("rps-protocols", `commands: memcached ${integer.format(p.memcached)} · Redis ${integer.format(p.redis)} /s`);
}

function draw() {
  const s = series;
  charts.requests.setData([s.t, s.get, s.set, s.del, s.other]);
  charts.hits.setData([s.t, s.hits]);
  charts.latency.setData([s.t, s.p50, s.p99, s.p999]);
  charts.memory.setData([s.t, s.items, s.budget]);
}

async function poll() {
  try {
    const samples = await api("/admin/stats/history?after=" + lastSequence);
    for (const sample of samples) {
      record(sample);
      lastSequence = sample.sequence;
    }
    if (samples.length > 0) {
      show(samples[samples.length - 1]);
      draw();
      body.dataset.sequence = lastSequence;
    }
    if (status.dataset.source === "poll") {
      say("");
    }
  } catch (failed) {
    say(failed.message, true, "poll");
  }
}

if (body.dataset.page === "dashboard") {
  charts.requests = chart("chart-requests", ["get", "set", "delete", "other"], {}, "requests/s");
  charts.hits = chart("chart-hits", ["hit ratio"], { y: { range: [0, 100] } }, "%");
  charts.latency = chart("chart-latency", ["p50", "p99", "p99.9"], { y: { distr: 3 } }, "µs");
  charts.memory = chart("chart-memory", ["items", "% of budget"], { pct: { range: [0, 100] } }, "items",
    { label: "% of budget", scale: "pct", unit: "% of the byte budget" });
  poll();
  setInterval(poll, 1000);
}

// ---- flush ----

const flushForm = document.getElementById("flush-form");
if (flushForm) {
  const dialog = document.getElementById("flush-dialog");
  flushForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const stats = await api("/admin/stats");
      const delay = Number(document.getElementById("flush-delay").value || 0);
      const disk = stats.l2.enabled ? ` and ${integer.format(stats.l2.items)} on disk` : "";
      const when = delay > 0 ? `in ${integer.format(delay)} seconds` : "now";
      // memcached's flush_all: database 0 only, which is all that memcached's clients see
      text("flush-what", `Every item of database 0 will be lost ${when}. The cache holds ${integer.format(stats.l1.items)} `
        + `in memory${disk} in all; Redis's other databases keep theirs. This cannot be undone.`);
      dialog.showModal();
    } catch (failed) {
      say(failed.message, true);
    }
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "flush") {
      say("Flush cancelled.");
      return;
    }
    try {
      const delay = Number(document.getElementById("flush-delay").value || 0);
      const flushed = await api("/admin/flush?delay=" + delay, { method: "POST" });
      say(delay > 0 ? "Flush set for " + flushed.flushAt + "." : "Flushed.");
    } catch (failed) {
      say(failed.status === 401 ? "Sign in as the admin to flush." : failed.message, true);
    }
  });
}

// ---- key details ----

document.addEventListener("htmx:afterSwap", (event) => {
  const details = event.detail.target.querySelector(".details");
  if (!details) {
    return;
  }
  const path = "/admin/keys/" + encodeURIComponent(details.dataset.key) + "?encoding=" + details.dataset.encoding;
  document.getElementById("show-value").addEventListener("click", async () => {
    try {
      const value = await api(path.replace("?", "/value?"));
      const shown = document.getElementById("value");
      shown.textContent = (value.text != null ? value.text : value.hex) + (value.truncated ? "\n… (first 4 KiB of " + value.size + " bytes)" : "");
      shown.hidden = false;
    } catch (failed) {
      say(failed.status === 401 ? "Sign in as the admin to see values." : failed.message, true);
    }
  });
  document.getElementById("delete-key").addEventListener("click", async () => {
    if (!confirm(`Delete ${details.dataset.key} from memory and disk? This cannot be undone.`)) {
      return;
    }
    try {
      await api(path, { method: "DELETE" });
      say("Deleted " + details.dataset.key + ".");
      details.remove();
      htmx.trigger("#key-search", "submit");
    } catch (failed) {
      say(failed.status === 401 ? "Sign in as the admin to delete." : failed.message, true);
    }
  });
});
