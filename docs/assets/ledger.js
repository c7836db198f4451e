/* Filter the evidence ledger's rows as the reader types (no third-party code). */
function setUpLedgerFilter() {
  const input = document.getElementById("ledger-filter");
  if (!input) return;
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLowerCase();
    document.querySelectorAll(".ledger-page").forEach((section) => {
      let shown = 0;
      section.querySelectorAll("tr.ledger-row").forEach((row) => {
        const hit = !needle || row.textContent.toLowerCase().includes(needle);
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      section.hidden = shown === 0;
    });
  });
}
if (typeof document$ !== "undefined") {
  document$.subscribe(setUpLedgerFilter);
} else {
  document.addEventListener("DOMContentLoaded", setUpLedgerFilter);
}
