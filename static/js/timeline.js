// Progressive enhancement for the chronology; the page works without it.
// Empty filter fields stay out of the request, so a pushed (shareable) URL holds only the
// filters in use: /?category=denial rather than /?q=&category=denial&actor=&...
document.addEventListener("htmx:configRequest", function (event) {
  if (event.detail.verb !== "get") return;
  var parameters = event.detail.parameters;
  var names = parameters instanceof FormData ? Array.from(parameters.keys()) : Object.keys(parameters);
  names.forEach(function (name) {
    var values = parameters instanceof FormData ? parameters.getAll(name) : [].concat(parameters[name]);
    if (values.every(function (value) { return value === ""; })) {
      if (parameters instanceof FormData) parameters.delete(name); else delete parameters[name];
    }
  });
});

// The filters show the view in the address bar. htmx restores a view for the back and forward
// buttons from a snapshot of the page's HTML, and a ticked box or a typed word is not in the
// HTML: without this, Back showed ?category=denial's events with no box ticked, and the next
// click silently dropped the filter. After a restore, and after a link that changes the view
// from outside the form (a month on the time axis, a page), the form is set from the URL.
function syncFilters(search) {
  var form = document.querySelector("form.filters");
  if (!form) return;
  var params = new URLSearchParams(search);
  Array.prototype.forEach.call(form.elements, function (element) {
    if (!element.name) return;
    var values = params.getAll(element.name);
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.indexOf(element.value) !== -1;
    } else if (element.tagName === "SELECT") {
      element.value = values.length ? values[0] : "";
      if (element.selectedIndex === -1) element.value = "";
    } else if (element.type !== "submit" && element.type !== "button") {
      element.value = values.length ? values[0] : "";
    }
  });
}

document.addEventListener("htmx:historyRestore", function () {
  syncFilters(window.location.search);
});

// A page restored from the back-forward cache keeps the form as it was left, not as its URL says.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) syncFilters(window.location.search);
});

document.addEventListener("htmx:afterSwap", function (event) {
  var form = document.querySelector("form.filters");
  var source = event.detail.elt;
  var path = event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
  // The form's own requests come from the form, which already shows them; setting it again
  // would overwrite words typed while the request was on its way.
  if (!form || !path || (source instanceof Node && form.contains(source))) return;
  if (!event.detail.target || event.detail.target.id !== "results") return;
  syncFilters(new URL(path, window.location.href).search);
});

// Browsers without ::details-content cannot keep the filters open from CSS alone when wider than
// a phone (site.css): open the disclosure there.
(function () {
  var panel = document.getElementById("filters-panel");
  if (!panel || (window.CSS && CSS.supports && CSS.supports("selector(::details-content)"))) return;
  var wide = window.matchMedia("(min-width: 37.5rem)");
  var follow = function () { if (wide.matches) panel.open = true; };
  follow();
  wide.addEventListener("change", follow);
})();

// The language switcher keeps the current view: when htmx changes the address (a filter, a
// page, a month), its links follow, /ru/?category=denials <-> /?category=denials.
function syncLanguageLinks() {
  var path = window.location.pathname.replace(/^\/ru(\/|$)/, "/");
  document.querySelectorAll("a[data-language]").forEach(function (link) {
    var prefix = link.getAttribute("data-language") === "en" ? "" : "/" + link.getAttribute("data-language");
    link.setAttribute("href", prefix + path + window.location.search);
  });
}
document.addEventListener("htmx:pushedIntoHistory", syncLanguageLinks);
document.addEventListener("htmx:historyRestore", syncLanguageLinks);
