/* The manual's data model diagrams. Each <figure data-diagram> holds a diagram's Mermaid text
   (generated from the models by `manage.py datamodel`); mermaid (static/vendor/mermaid,
   loaded before this file) draws it as an SVG picture into the figure, and the text is then
   folded away under its summary, still there as the picture's text equivalent. The picture
   is drawn once, on load, so it is there on screen and in print. mermaid's "strict" level:
   labels are text, never markup or links. */
(() => {
  const figures = document.querySelectorAll("figure[data-diagram]");
  if (!figures.length || !window.mermaid) return;
  window.mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    theme: "neutral",
    fontFamily: getComputedStyle(document.body).fontFamily,
    er: { useMaxWidth: false },
  });
  const draw = async () => {
    let number = 0;
    for (const figure of figures) {
      const picture = figure.querySelector(".diagram__picture");
      const code = figure.querySelector("code");
      if (!picture || !code) continue;
      number += 1;
      try {
        const { svg } = await window.mermaid.render(`diagram-${number}`, code.textContent);
        picture.innerHTML = svg;
        // Fitted to the page, never wider than drawn; "Full size" shows it as drawn.
        const drawing = picture.querySelector("svg");
        if (drawing && drawing.getAttribute("width")) {
          drawing.style.maxWidth = `${drawing.getAttribute("width")}px`;
        }
        const zoom = figure.querySelector(".diagram__zoom");
        if (zoom) zoom.hidden = false;
        picture.setAttribute("role", "img");
        picture.setAttribute("aria-label", picture.dataset.label || "");
        figure.classList.add("diagram--drawn");
        const text = figure.querySelector("details");
        if (text) text.open = false;
      } catch (error) {
        // The text stays open: the reader still has the diagram, as text.
        console.error("diagram", number, error);
      }
    }
  };
  document.addEventListener("click", (event) => {
    const zoom = event.target.closest && event.target.closest(".diagram__zoom");
    if (!zoom) return;
    const full = zoom.getAttribute("aria-pressed") !== "true";
    zoom.setAttribute("aria-pressed", String(full));
    const figure = zoom.closest("figure");
    figure.classList.toggle("diagram--full", full);
    // At full size the picture scrolls sideways: reachable with the keyboard to scroll it.
    const picture = figure.querySelector(".diagram__picture");
    if (full) picture.setAttribute("tabindex", "0");
    else picture.removeAttribute("tabindex");
  });
  draw();
})();
