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
