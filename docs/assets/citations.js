/* Citation previews that fit: a preview is placed in the viewport (position: fixed, so
   no table or scroll container clips it), and on touch screens a tap opens it as a
   popover with a link to the full reference instead of jumping to the References.
   Escape or a tap elsewhere closes it; hover and keyboard focus still open it (CSS).
   Listeners sit on the document once, so Material's instant navigation needs no setup. */
(function () {
  const MARGIN = 8;
  let touched = false; // the last pointer to go down was a finger or a pen

  function place(ref) {
    const link = ref.querySelector(".cite-link");
    const tip = ref.querySelector(".cite-tip");
    if (!link || !tip || getComputedStyle(tip).display === "none") return;
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    const anchor = link.getBoundingClientRect();
    tip.style.left = "0px";
    tip.style.top = "0px";
    const box = tip.getBoundingClientRect();
    const left = Math.max(MARGIN, Math.min(anchor.left, width - box.width - MARGIN));
    let top = anchor.bottom;
    if (top + box.height > height - MARGIN) {
      const above = anchor.top - box.height;
      top = above >= MARGIN ? above : Math.max(MARGIN, height - MARGIN - box.height);
    }
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }

  function shown() {
    return document.querySelectorAll(".cite-ref:hover, .cite-ref:focus-within, .cite-ref.cite-open");
  }

  function close(ref) {
    ref.classList.remove("cite-open");
    ref.querySelector(".cite-link")?.setAttribute("aria-expanded", "false");
  }

  function closeAll(except) {
    document.querySelectorAll(".cite-ref.cite-open").forEach((ref) => { if (ref !== except) close(ref); });
  }

  function open(ref) {
    closeAll(ref);
    const link = ref.querySelector(".cite-link");
    const tip = ref.querySelector(".cite-tip");
    if (tip && !tip.querySelector(".cite-tip-more")) {
      const more = document.createElement("a");
      more.className = "cite-tip-more";
      more.href = link.getAttribute("href");
      more.textContent = "Full reference";
      tip.append(" ", more);
    }
    ref.classList.remove("cite-dismissed");
    ref.classList.add("cite-open");
    link.setAttribute("aria-expanded", "true");
    place(ref);
  }

  document.documentElement.classList.add("cite-js");
  document.addEventListener("pointerdown", (event) => { touched = event.pointerType !== "mouse"; }, true);
  document.addEventListener("mouseover", (event) => {
    const ref = event.target.closest && event.target.closest(".cite-ref");
    if (ref) place(ref);
  });
  document.addEventListener("focusin", (event) => {
    const ref = event.target.closest && event.target.closest(".cite-ref");
    if (ref) { ref.classList.remove("cite-dismissed"); place(ref); }
  });
  for (const leave of ["mouseout", "focusout"]) {
    document.addEventListener(leave, (event) => {
      const ref = event.target.closest && event.target.closest(".cite-ref");
      if (ref && !ref.contains(event.relatedTarget)) ref.classList.remove("cite-dismissed");
    });
  }
  // Capture phase: before Material's instant navigation sees the click.
  window.addEventListener("click", (event) => {
    const target = event.target.closest ? event.target : event.target.parentElement;
    const link = target && target.closest(".cite-link");
    if (link && (touched || matchMedia("(hover: none)").matches)) {
      event.preventDefault();
      const ref = link.closest(".cite-ref");
      if (ref.classList.contains("cite-open")) {
        close(ref);
        ref.classList.add("cite-dismissed");
      } else {
        open(ref);
      }
      return;
    }
    if (target && target.closest(".cite-tip-more")) { closeAll(); return; }
    if (!target || !target.closest(".cite-ref")) {
      closeAll();
      const focused = document.activeElement;
      if (focused && focused.closest && focused.closest(".cite-ref")) focused.blur();
    }
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    shown().forEach((ref) => { close(ref); ref.classList.add("cite-dismissed"); });
  });
  const follow = () => shown().forEach(place);
  window.addEventListener("scroll", follow, { passive: true, capture: true });
  window.addEventListener("resize", follow);
})();
