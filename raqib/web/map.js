// raqib web map: the control map replayed day by day, and the events around each day.
//
// Everything that comes from a report (place names, evidence, outlets, URLs) is put into the page
// as text (textContent / text nodes) or, for links, as a checked http(s) href: never as HTML.
// The page runs under a Content-Security-Policy without inline scripts or styles.
"use strict";

(function () {
  const DAY_MS = 86400000;
  const MAX_EVENT_PAGES = 20; // 20 × 500 events around one day is more than a map can show

  // Event kinds: a glyph and a colour each (the kinds of the record schema).
  const KIND_STYLE = {
    takeover: ["T", "#7b3294"], withdrawal: ["W", "#9970ab"], clash: ["C", "#d7191c"],
    internal_clash: ["I", "#e66101"], airstrike: ["A", "#2c7bb6"], shelling: ["S", "#4393c3"],
    explosion: ["E", "#f46d43"], suicide_attack: ["X", "#a50026"], killing: ["K", "#67001f"],
    abduction: ["B", "#8c510a"], arrest: ["R", "#01665e"], release: ["L", "#35978f"],
    surrender: ["U", "#762a83"], defection: ["D", "#5aae61"], siege: ["G", "#b2182b"],
    protest: ["P", "#1b7837"], agreement: ["=", "#4d4d4d"], other: ["?", "#878787"],
  };
  const STATUS_TEXT = {
    held: "held", partial: "partly held (ring: the other holder)",
    contested: "contested (blinking ring: the other side)", besieged: "besieged (outer ring: the besieger)",
  };

  const state = { meta: null, actors: new Map(), start: null, days: 0, generation: 0, playing: null, drawnDay: null };
  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------------
  // Safe DOM building

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child)); // strings become text nodes
    }
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string" || !url) return null;
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (_) {
      return null;
    }
  }

  function sourceLine(label, url) {
    const href = safeUrl(url);
    const text = label || url || "source unknown";
    const line = el("p", { class: "source" }, "Source: ");
    line.append(href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text }) : text);
    return line;
  }

  function evidenceBlock(text, withheld) {
    if (withheld) return el("p", { class: "withheld", text: "Evidence withheld (it may name a victim or detainee)." });
    if (!text) return null;
    return el("blockquote", { class: "evidence", dir: "rtl", lang: "ar", text });
  }

  function coded(pairs) {
    const dl = el("dl", { class: "coded" });
    for (const [term, value] of pairs) {
      if (value === null || value === undefined || value === "") continue;
      dl.append(el("dt", { text: term }), el("dd", { text: value }));
    }
    return dl;
  }

  // ---------------------------------------------------------------------------------------------
  // Colours and names

  function colour(actor) {
    const known = state.actors.get(actor);
    return known ? known.colour : "#ff7f00";
  }

  function actorName(actor) {
    const known = state.actors.get(actor);
    return known && known.name_en !== actor ? `${actor} (${known.name_en})` : String(actor);
  }

  // ---------------------------------------------------------------------------------------------
  // Fetching

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
      throw new Error(`${url.split("?")[0]}: ${message}`);
    }
    return body;
  }

  function setStatus(text, isError) {
    const node = $("status");
    node.textContent = text;
    node.classList.toggle("error", Boolean(isError));
  }

  // ---------------------------------------------------------------------------------------------
  // Days

  function dayAt(index) {
    return new Date(state.start + index * DAY_MS).toISOString().slice(0, 10);
  }

  function indexOf(day) {
    return Math.round((Date.parse(`${day}T00:00:00Z`) - state.start) / DAY_MS);
  }

  // ---------------------------------------------------------------------------------------------
  // The map

  const map = L.map("map", { attributionControl: false, preferCanvas: false, zoomSnap: 0.25 });
  const controlLayer = L.layerGroup().addTo(map);
  const eventLayer = L.layerGroup().addTo(map);

  function drawBase(geojson) {
    const layer = L.geoJSON(geojson, {
      interactive: false,
      style: { color: "#6b6b6b", weight: 1, fill: true, fillColor: "#f7f5ef", fillOpacity: 1 },
    }).addTo(map);
    layer.bringToBack();
    return layer.getBounds();
  }

  function placePopup(p) {
    const root = el("div", { class: "popup" });
    root.append(el("h3", { dir: "rtl", lang: "ar", text: p.name_ar }));
    root.append(coded([
      ["Status", p.status + (p.besieged && p.status !== "besieged" ? ", besieged" : "")],
      ["P-code", p.pcode], ["Gazetteer", p.gazetteer_id],
      ["Position", p.approximate ? "approximate (of the place that contains it)" : null],
    ]));
    for (const h of p.holders) {
      const block = el("div", { class: "holder" });
      block.append(coded([
        ["Holder", actorName(h.controller)],
        ["Status", h.status + (h.inferred ? " (inferred)" : "") + (h.disputed ? " (disputed)" : "")],
        ["Since", h.since + (h.day_source === "stored" || h.day_source === "matched" ? " (undated report)" : h.day_source === "baseline" ? " (map baseline)" : "")],
        ["Last seen", h.last_seen !== h.since ? h.last_seen : null],
      ]));
      block.append(evidenceBlock(h.evidence, h.evidence_withheld) || "");
      block.append(sourceLine(h.source, h.url));
      root.append(block);
    }
    return root;
  }

  function drawPlace(feature) {
    const p = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const holders = p.holders.filter((h) => h.status !== "besieged");
    const besiegers = p.holders.filter((h) => h.status === "besieged");
    // One holder: a dot of its colour. Two (partial or contested): the first fills the dot and the
    // second draws a thick ring, like the two-colour marks of the Wikipedia map; a shared place
    // with one known side gets a white ring. Contested rings blink like that map's animated marks.
    const shared = p.status === "partial" || p.status === "contested";
    const fill = holders.length ? colour(holders[0].controller) : "#ffffff";
    const ring = holders.length > 1 ? colour(holders[1].controller) : shared ? "#ffffff" : "#1a1a1a";
    const classes = ["ctl", `ctl-${p.status}`];
    if (p.approximate) classes.push("ctl-approx");
    const dot = L.circleMarker([lat, lon], {
      radius: shared ? 7 : 6, fillColor: fill, fillOpacity: 1, color: ring, weight: shared ? 3.5 : 1,
      opacity: 1, className: classes.join(" "),
    });
    // The replay loads brief features; opening the popup loads the place's holdings on the day
    // shown in full (evidence, source) into it.
    const root = el("div", { class: "popup" }, el("h3", { dir: "rtl", lang: "ar", text: p.name_ar }), "Loading…");
    dot.bindPopup(root, { maxWidth: 360 });
    dot.on("popupopen", () => {
      const day = state.drawnDay;
      getJSON(`api/control/map?${new URLSearchParams({ as_of: day, place: p.place })}`)
        .then((fc) => {
          const full = fc.features[0];
          const filled = full ? placePopup(full.properties) : el("div", {}, el("p", { text: `Nothing known on ${day}.` }));
          root.replaceChildren(...Array.from(filled.childNodes));
        })
        .catch((err) => root.replaceChildren(el("p", { class: "withheld", text: String(err.message || err) })))
        .finally(() => dot.isPopupOpen() && dot.getPopup().update());
    });
    dot.addTo(controlLayer);
    const layers = [dot];
    for (const b of besiegers) {
      layers.push(L.circleMarker([lat, lon], {
        radius: 11, fill: false, color: colour(b.controller), weight: 2, dashArray: "4 3", interactive: false,
        className: "ctl-siege",
      }).addTo(controlLayer));
    }
    const path = dot.getElement();
    if (path) {
      path.setAttribute("data-place", p.place);
      path.setAttribute("data-name", p.name_ar);
      path.setAttribute("data-status", p.status);
      path.setAttribute("data-holders", holders.map((h) => h.controller).join(" "));
      path.setAttribute("aria-label", `${p.name_ar}: ${holders.map((h) => h.controller).join(", ")} (${p.status})`);
    }
    return layers;
  }

  // A replay redraws only the places whose holders changed since the day on screen: a country's
  // map has thousands of places and a day changes a few.
  const drawn = new Map(); // place key -> { signature, layers }

  function syncPlaces(features) {
    const seen = new Set();
    for (const f of features) {
      if (!f.geometry) continue;
      const p = f.properties;
      seen.add(p.place);
      const signature = JSON.stringify([f.geometry.coordinates, p.name_ar, p.status, p.approximate,
        p.holders.map((h) => [h.controller, h.status])]);
      const old = drawn.get(p.place);
      if (old && old.signature === signature) continue;
      if (old) old.layers.forEach((layer) => controlLayer.removeLayer(layer));
      drawn.set(p.place, { signature, layers: drawPlace(f) });
    }
    for (const [key, old] of drawn) {
      if (seen.has(key)) continue;
      old.layers.forEach((layer) => controlLayer.removeLayer(layer));
      drawn.delete(key);
    }
  }

  function eventPopup(f) {
    const e = f.properties;
    const root = el("div", { class: "popup" });
    root.append(el("h3", { text: `${e.kind}${e.acled && e.acled.sub_event_type ? " — " + e.acled.sub_event_type : ""}` }));
    if (e.place && e.place.name_ar) root.append(el("p", { dir: "rtl", lang: "ar", text: e.place.name_ar }));
    const counts = Object.entries(e.counts || {}).map(([k, v]) => `${k} ${v}`).join(", ");
    const date = e.date && e.date.from ? (e.date.to && e.date.to !== e.date.from ? `${e.date.from} – ${e.date.to}` : e.date.from) : null;
    root.append(coded([
      ["Actor 1", e.actor1 ? actorName(e.actor1) : null], ["Actor 2", e.actor2 ? actorName(e.actor2) : null],
      ["Date", date], ["Counts", counts], ["Certainty", e.certainty], ["Extent", e.extent],
      ["Precision", e.place ? e.place.precision : null], ["Rule", e.rule_id],
      ["Review", e.reviewed ? `corrected by an analyst (${e.status})` : null], ["Event id", e.uid],
    ]));
    root.append(evidenceBlock(e.evidence, e.evidence_withheld) || "");
    const src = e.source || {};
    root.append(sourceLine(src.outlet ? `${src.outlet}${src.published ? ", " + src.published : ""}` : src.url, src.url));
    return root;
  }

  function drawEvent(feature) {
    if (!feature.geometry) return;
    const [lon, lat] = feature.geometry.coordinates;
    const kind = Object.prototype.hasOwnProperty.call(KIND_STYLE, feature.properties.kind) ? feature.properties.kind : "other";
    const [glyph, fill] = KIND_STYLE[kind];
    const badge = el("span", { text: glyph, title: kind });
    badge.style.background = fill; // CSSOM, allowed by the page's style-src
    // Anchored up and to the right of the point, so the control dot under it stays clickable.
    const icon = L.divIcon({ className: `ev-icon ev-${kind}`, html: badge, iconSize: [16, 16], iconAnchor: [-3, 19] });
    const marker = L.marker([lat, lon], { icon, keyboard: true, title: kind, riseOnHover: true });
    marker.bindPopup(() => eventPopup(feature), { maxWidth: 360 });
    marker.addTo(eventLayer);
  }

  // ---------------------------------------------------------------------------------------------
  // Legend

  function drawLegend(features, events) {
    const seen = new Set();
    for (const f of features) for (const h of f.properties.holders) seen.add(h.controller);
    const actors = $("legend-actors");
    actors.replaceChildren();
    for (const id of [...seen].sort()) {
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = colour(id);
      actors.append(el("li", {}, swatch, actorName(id)));
    }
    if (!seen.size) actors.append(el("li", { text: "no control claims on this day" }));
    const kinds = $("legend-kinds");
    kinds.replaceChildren();
    const present = new Set(events.map((f) => f.properties.kind));
    for (const [kind, [glyph, fill]] of Object.entries(KIND_STYLE)) {
      if (!present.has(kind)) continue;
      const badge = el("span", { class: "swatch", text: "" });
      badge.style.background = fill;
      badge.style.borderRadius = "3px";
      kinds.append(el("li", {}, badge, `${glyph} ${kind}`));
    }
    if (!present.size) kinds.append(el("li", { text: "none in the window" }));
  }

  function drawStatusLegend() {
    const list = $("legend-status");
    for (const [status, text] of Object.entries(STATUS_TEXT)) {
      list.append(el("li", {}, el("span", { class: `swatch ${status}` }), text));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering one day

  async function fetchEvents(day) {
    if (!$("show-events").checked) return [];
    const win = $("window").value;
    const params = new URLSearchParams({ to: day, limit: "500" });
    if (win !== "all") params.set("from", dayAt(Math.max(indexOf(day) - Number(win) + 1, -100000)));
    const features = [];
    let cursor = null;
    for (let n = 0; n < MAX_EVENT_PAGES; n += 1) {
      if (cursor) params.set("cursor", cursor);
      const page = await getJSON(`api/events.geojson?${params}`);
      features.push(...page.features);
      cursor = page.next;
      if (!cursor) break;
    }
    return features;
  }

  async function render(day) {
    const generation = ++state.generation;
    document.body.dataset.state = "loading";
    setStatus(`Loading ${day}…`);
    try {
      const [control, events] = await Promise.all([
        getJSON(`api/control/map?${new URLSearchParams({ as_of: day, brief: "true" })}`), fetchEvents(day),
      ]);
      if (generation !== state.generation) return; // a later day was asked for meanwhile
      eventLayer.clearLayers();
      state.drawnDay = day;
      syncPlaces(control.features);
      events.forEach(drawEvent);
      drawLegend(control.features, events);
      const located = control.features.filter((f) => f.geometry).length;
      setStatus(`${day}: ${located} places with a known holder, ${events.length} events`);
      document.body.dataset.day = day;
      document.body.dataset.state = "ready";
    } catch (err) {
      if (generation !== state.generation) return;
      setStatus(String(err.message || err), true);
      document.body.dataset.state = "error";
    }
  }

  function onSlide() {
    const day = dayAt(Number($("day").value));
    $("day-label").textContent = day;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => render(day), 120);
  }

  function togglePlay() {
    const button = $("play");
    if (state.playing) {
      clearInterval(state.playing);
      state.playing = null;
      button.textContent = "▶ Replay";
      return;
    }
    const slider = $("day");
    if (Number(slider.value) >= state.days) slider.value = "0";
    button.textContent = "❚❚ Pause";
    const step = async () => {
      if (document.body.dataset.state === "loading") return; // wait for the day on screen
      if (Number(slider.value) >= state.days) return togglePlay();
      slider.value = String(Number(slider.value) + 1);
      $("day-label").textContent = dayAt(Number(slider.value));
      await render(dayAt(Number(slider.value)));
    };
    state.playing = setInterval(step, 600);
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  async function start() {
    drawStatusLegend();
    try {
      const [meta, base] = await Promise.all([getJSON("api/meta"), getJSON("api/basemap")]);
      state.meta = meta;
      for (const a of meta.actors) state.actors.set(a.id, a);
      const bounds = drawBase(base);
      if (meta.map.tile_url) {
        L.tileLayer(meta.map.tile_url, { maxZoom: 18 }).addTo(map);
      }
      const credits = [
        "Control and events: raqib, from the reports each popup cites.",
        base.attribution || meta.map.basemap_attribution,
        meta.map.tile_attribution ? `Tiles: ${meta.map.tile_attribution}` : null,
        "Map library: Leaflet 1.9.4 (BSD-2-Clause).",
      ];
      $("credits").textContent = credits.filter(Boolean).join(" · ");
      map.fitBounds(bounds, { padding: [10, 10] });
      const first = meta.dates.from;
      const last = meta.dates.to;
      if (!first || !last) {
        setStatus("The database holds no dated events or control claims yet.");
        document.body.dataset.state = "ready";
        return;
      }
      state.start = Date.parse(`${first}T00:00:00Z`);
      state.days = indexOf(last);
      const slider = $("day");
      slider.max = String(state.days);
      slider.value = String(state.days);
      slider.disabled = false;
      $("play").disabled = false;
      slider.addEventListener("input", onSlide);
      $("play").addEventListener("click", togglePlay);
      $("show-events").addEventListener("change", onSlide);
      $("window").addEventListener("change", onSlide);
      $("day-label").textContent = last;
      await render(last);
    } catch (err) {
      setStatus(String(err.message || err), true);
      document.body.dataset.state = "error";
    }
  }

  start();
})();
