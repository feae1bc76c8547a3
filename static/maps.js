/* Maps with Leaflet, on top of pages that work without it.
 *
 * Each <figure class="map" data-map="ID"> holds a server-drawn SVG and names a JSON block
 * (areas as GeoJSON, numbered markers). With Leaflet loaded, the SVG gives way to a Leaflet map
 * of the same data: tiles from the configured tile server when there is one, otherwise the ward
 * boundaries themselves are the base map, so nothing needs the internet. Markers are focusable
 * (Tab) and open their page with Enter; the list beside the map says the same.
 *
 * A fieldset with data-place-picker gets a map to click: the click fills its latitude and
 * longitude fields, which stay there to be typed into.
 */
(function () {
  "use strict";
  if (!window.L) { return; }

  // Leaflet renders layers only once the map has a view, so the bounds are worked out first
  // (from the areas and any extra points) and the layers added after fitBounds.
  function showBase(map, tileUrl, attribution, areas, points) {
    var bounds = L.latLngBounds(points || []);
    var layers = areas.map(function (area) {
      var layer = L.geoJSON(area.geometry, {
        interactive: false,
        style: {
          color: "#0b0c0c",
          weight: area.own ? 3 : 1.5,
          fillColor: area.fill || (area.own ? "#cce2d8" : "#f3f2f1"),
          fillOpacity: tileUrl ? 0.4 : 1
        }
      });
      bounds.extend(layer.getBounds());
      return layer;
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.05), { maxZoom: 17 });
    } else {
      map.setView([54, -2], 5);
    }
    if (tileUrl) {
      L.tileLayer(tileUrl, { attribution: attribution, maxZoom: 19 }).addTo(map);
    }
    layers.forEach(function (layer, i) {
      layer.addTo(map);
      var area = areas[i];
      var label = document.createElement("span");
      label.textContent = area.name + (area.label ? " \u2013 " + area.label : "");
      L.tooltip({ permanent: true, direction: "center", className: "map-tip", interactive: false })
        .setLatLng(layer.getBounds().getCenter()).setContent(label).addTo(map);
    });
  }

  function newMap(box, label) {
    box.className = "map-leaflet";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", label);
    return L.map(box, { keyboard: true, scrollWheelZoom: false, attributionControl: true });
  }

  function showMap(figure) {
    var source = document.getElementById(figure.getAttribute("data-map"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    data.areas.forEach(function (a) { a.geometry = JSON.parse(a.geometry); });
    if (!data.areas.length && !data.markers.length) { return; }
    var box = document.createElement("div");
    figure.insertBefore(box, figure.firstChild);
    var map = newMap(box, figure.getAttribute("data-map-title") || "Map");
    showBase(map, figure.getAttribute("data-tile-url"), figure.getAttribute("data-tile-attribution"),
      data.areas, data.markers.map(function (m) { return [m.lat, m.lon]; }));
    data.markers.forEach(function (m) {
      var name = m.number + ". " + m.title;
      var marker = L.marker([m.lat, m.lon], {
        icon: L.divIcon({ className: "map-pin", html: "", iconSize: [28, 28] }),
        title: name,
        alt: name,
        keyboard: true
      }).addTo(map);
      var pin = marker.getElement();
      pin.textContent = String(m.number);
      pin.setAttribute("aria-label", name);
      pin.setAttribute("role", "link");
      if (m.href) {
        marker.on("click", function () { window.location.href = m.href; });
        pin.addEventListener("keydown", function (e) {
          if (e.key === "Enter") { e.preventDefault(); window.location.href = m.href; }
        });
      }
    });
    var svg = figure.querySelector("svg.map-svg");
    if (svg) { svg.setAttribute("hidden", ""); }
  }

  function addPicker(fieldset) {
    var lat = fieldset.querySelector("input[name=latitude]");
    var lon = fieldset.querySelector("input[name=longitude]");
    var url = fieldset.getAttribute("data-geojson-url");
    if (!lat || !lon || !url) { return; }
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (collection) {
        var tileUrl = fieldset.getAttribute("data-tile-url");
        var areas = collection.features.filter(function (f) { return f.geometry; })
          .map(function (f) { return { name: f.properties.name, geometry: f.geometry }; });
        if (!areas.length && !tileUrl) { return; }
        var hint = document.createElement("p");
        hint.className = "hint";
        hint.textContent = "Or click the map to fill in the latitude and longitude.";
        var box = document.createElement("div");
        fieldset.appendChild(hint);
        fieldset.appendChild(box);
        var map = newMap(box, "Map to pick the place");
        showBase(map, tileUrl, fieldset.getAttribute("data-tile-attribution"), areas, []);
        var marker = null;
        function place(latlng) {
          if (marker) { marker.setLatLng(latlng); } else {
            marker = L.marker(latlng, {
              icon: L.divIcon({ className: "map-pin", html: "", iconSize: [28, 28] }),
              title: "The chosen place", alt: "The chosen place", keyboard: true
            }).addTo(map);
          }
        }
        if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) {
          place([+lat.value, +lon.value]);
        }
        map.on("click", function (e) {
          lat.value = e.latlng.lat.toFixed(6);
          lon.value = e.latlng.lng.toFixed(6);
          place(e.latlng);
        });
      }).catch(function () { /* the fields still work */ });
  }

  document.querySelectorAll("figure.map[data-map]").forEach(showMap);
  document.querySelectorAll("fieldset[data-place-picker]").forEach(addPicker);
}());
