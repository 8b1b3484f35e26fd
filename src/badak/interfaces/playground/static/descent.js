// The gradient-descent page: f(x) typed, α, steps with the first-order prediction and tangent.
"use strict";
(function () {
  const app = $("#app"), q = query();
  const f = el("input", {type: "text", "data-testid": "f", value: q.get("f") || "x**2", size: "24"});
  const x0 = el("input", {type: "number", step: "any", "data-testid": "x0", value: q.get("x0") || "3"});
  const lr = el("input", {type: "range", "data-testid": "alpha", min: "0.01", max: "1.2", step: "0.01", value: q.get("lr") || "0.1"});
  const lrOut = el("span", {});
  const method = el("select", {"data-testid": "method"}, el("option", {value: "gd", text: T("gd")}), el("option", {value: "newton", text: T("newton")}));
  const canvas = el("canvas", {width: "520", height: "320"});
  const table = el("table", {class: "tt", "data-testid": "descent-table"});
  const status = el("div", {class: "status", "data-testid": "descent-status"});
  let run = null, k = 0;
  app.append(el("div", {class: "bar"}, el("label", {}, T("function"), f), el("label", {}, T("start"), x0),
    el("label", {}, T("learning_rate") + " α", lr), lrOut, el("label", {}, T("method"), method),
    el("button", {class: "primary", "data-testid": "step", text: T("step"), onclick: () => step()}),
    el("button", {"data-testid": "reset", text: T("reset"), onclick: () => load()})));
  app.append(el("div", {class: "cols"}, el("div", {class: "panel"}, canvas, status), el("div", {class: "panel"}, table)));
  const zz = el("canvas", {width: "520", height: "200"});
  app.append(el("div", {class: "panel", style: "margin-top:12px"}, el("h3", {text: T("zigzag")}), zz, el("p", {class: "note", text: T("zigzag_note")})));
  async function load() {
    lrOut.textContent = "α = " + lr.value;
    try { run = await api(`/api/descent?f=${encodeURIComponent(f.value)}&x0=${x0.value}&lr=${lr.value}&steps=30&method=${method.value}`); }
    catch (e) { return; }
    clearError(); k = 0; status.textContent = ""; draw(); tableRows(); zigzag();
  }
  function step() { if (run && k < run.xs.length - 1) { k++; draw(); tableRows(); } if (run && k >= run.xs.length - 1) status.textContent = run.diverged ? T("diverged") : run.stopped; }
  function tableRows() {
    table.innerHTML = `<tr><th>k</th><th>x</th><th>f(x)</th><th>f′(x)</th><th>${T("prediction")}</th></tr>`;
    for (let i = 0; i <= k; i++) table.append(el("tr", {}, el("td", {text: i}), el("td", {text: run.xs[i].toPrecision(5)}),
      el("td", {text: run.fs[i].toPrecision(5)}), el("td", {text: run.grads[i].toPrecision(5)}), el("td", {text: i ? run.taylor1[i - 1].toPrecision(5) : "–"})));
  }
  function draw() {
    const ctx = canvas.getContext("2d"), W = 520, H = 320, c = run.curve;
    ctx.clearRect(0, 0, W, H);
    const ys = c.y.filter(v => v !== null), lo = Math.min(...ys), hi = Math.max(...ys, lo + 1e-9);
    const X = v => (v - c.x[0]) / (c.x[c.x.length - 1] - c.x[0]) * W, Y = v => H - 10 - (v - lo) / (hi - lo) * (H - 20);
    ctx.beginPath(); ctx.strokeStyle = "#183d4e"; c.x.forEach((x, i) => c.y[i] !== null && (i ? ctx.lineTo(X(x), Y(c.y[i])) : ctx.moveTo(X(x), Y(c.y[i])))); ctx.stroke();
    const x = run.xs[k], fx = run.fs[k], g = run.grads[k];
    ctx.beginPath(); ctx.strokeStyle = "#c62828"; ctx.setLineDash([5, 4]);  // the tangent line
    ctx.moveTo(X(c.x[0]), Y(fx + g * (c.x[0] - x))); ctx.lineTo(X(c.x[c.x.length - 1]), Y(fx + g * (c.x[c.x.length - 1] - x))); ctx.stroke(); ctx.setLineDash([]);
    for (let i = 0; i <= k; i++) { ctx.beginPath(); ctx.arc(X(run.xs[i]), Y(run.fs[i]), i === k ? 6 : 3, 0, 7); ctx.fillStyle = i === k ? "#f59322" : "#0877bd"; ctx.fill(); }
    ctx.fillStyle = "#c62828"; ctx.fillText(T("tangent"), 8, 14);
  }
  async function zigzag() {
    const r = await api("/api/descent?zigzag=1&lr=0.95&steps=40").catch(() => null);  // Saito §6.1: SGD, α = 0.95
    if (!r) return;
    const ctx = zz.getContext("2d"), W = 520, H = 200, X = v => W / 2 + v * 30, Y = v => H / 2 - v * 60;
    ctx.clearRect(0, 0, W, H);
    for (const lvl of [0.5, 1, 2, 4]) { ctx.beginPath(); ctx.ellipse(W / 2, H / 2, Math.sqrt(lvl * 20) * 30, Math.sqrt(lvl) * 60, 0, 0, 7); ctx.strokeStyle = "#ccc"; ctx.stroke(); }
    ctx.beginPath(); ctx.strokeStyle = "#c62828"; r.path.forEach(([a, b], i) => i ? ctx.lineTo(X(a), Y(b)) : ctx.moveTo(X(a), Y(b))); ctx.stroke();
  }
  for (const i of [f, x0, lr, method]) i.addEventListener("change", load);
  lr.addEventListener("input", () => { lrOut.textContent = "α = " + lr.value; });
  load();
})();
