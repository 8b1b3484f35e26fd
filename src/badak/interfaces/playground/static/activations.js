// The activations page: f and f' (from badak's backward), saturation shaded.
"use strict";
(function () {
  const app = $("#app"), q = query();
  const ACTS = ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "maxout"];
  const name = el("select", {"data-testid": "activation"}, ...ACTS.map(a => el("option", {value: a, text: B.T["opt_" + a] || a})));
  name.value = ACTS.includes(q.get("name")) ? q.get("name") : "sigmoid";
  const param = el("input", {type: "range", "data-testid": "param", min: "0", max: "2", step: "0.05", value: "0.1"});
  const pOut = el("span", {});
  const canvas = el("canvas", {width: "560", height: "340", "data-testid": "activation-plot"});
  app.append(el("div", {class: "bar"}, el("label", {}, T("activation"), name), el("label", {}, T("parameter") + " (leaky ReLU, PReLU, ELU)", param), pOut));
  app.append(el("div", {class: "panel", style: "margin-top:8px"}, canvas,
    el("div", {class: "note"}, el("span", {style: "color:#183d4e", text: "— f(x)   "}), el("span", {style: "color:#c62828", text: "— " + T("derivative")})),
    el("div", {class: "note", text: T("saturation")})));
  async function load() {
    pOut.textContent = param.value;
    let r; try { r = await api(`/api/activation?name=${name.value}&param=${param.value}`); } catch (e) { return; }
    clearError();
    const ctx = canvas.getContext("2d"), W = 560, H = 340;
    const lo = Math.min(-1.2, ...r.y, ...r.dy), hi = Math.max(1.2, ...r.y, ...r.dy);
    const X = i => i / (r.x.length - 1) * W, Y = v => H - 10 - (v - lo) / (hi - lo) * (H - 20);
    ctx.clearRect(0, 0, W, H);
    r.saturated.forEach((s, i) => { if (s) { ctx.fillStyle = "rgba(198,40,40,0.08)"; ctx.fillRect(X(i), 0, W / r.x.length + 1, H); } });
    ctx.strokeStyle = "#bbb"; ctx.beginPath(); ctx.moveTo(0, Y(0)); ctx.lineTo(W, Y(0)); ctx.moveTo(W / 2, 0); ctx.lineTo(W / 2, H); ctx.stroke();
    for (const [ys, c] of [[r.y, "#183d4e"], [r.dy, "#c62828"]]) { ctx.beginPath(); ctx.strokeStyle = c; ctx.lineWidth = 2; ys.forEach((v, i) => i ? ctx.lineTo(X(i), Y(v)) : ctx.moveTo(X(i), Y(v))); ctx.stroke(); }
    ctx.lineWidth = 1;
  }
  name.addEventListener("change", load); param.addEventListener("input", load);
  load();
})();
